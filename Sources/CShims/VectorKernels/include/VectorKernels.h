// Lookalike: SIMD dot products the Swift compiler cannot emit for a portable binary (it targets
// baseline x86-64, i.e. SSE2). Each kernel is compiled for AVX-512BW, AVX2 and plain C; the best
// one the CPU supports is chosen once, when the library loads.
#ifndef LOOKALIKE_VECTOR_KERNELS_H
#define LOOKALIKE_VECTOR_KERNELS_H
#include <stdint.h>

/// Σ q[i]·row[i] over `count` signed bytes (any count; no alignment needed).
int32_t lk_dot_i8(const int8_t *q, const int8_t *row, long count);

/// Name of the instruction set the kernels use on this CPU ("avx512bw", "avx2" or "generic").
const char *lk_kernels_isa(void);

#endif
