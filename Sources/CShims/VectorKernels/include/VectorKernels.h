// Lookalike: SIMD dot products the Swift compiler cannot emit for a portable binary (it targets
// baseline x86-64, i.e. SSE2: no FMA, no F16C, 4 floats per instruction). Each kernel is compiled for AVX-512BW, AVX2 and plain C; the best
// one the CPU supports is chosen once, when the library loads.
#ifndef LOOKALIKE_VECTOR_KERNELS_H
#define LOOKALIKE_VECTOR_KERNELS_H
#include <stdint.h>

/// Σ q[i]·row[i] over `count` signed bytes (any count; no alignment needed).
int32_t lk_dot_i8(const int8_t *q, const int8_t *row, long count);

/// Σ a[i]·b[i] over `count` floats (`count` a multiple of 32; no alignment needed).
float lk_dot_f32(const float *a, const float *b, long count);

/// Σ q[i]·rows[r][i] for four rows at once (four memory streams in flight); `count` a multiple of 32.
void lk_dot4_f32(const float *q, const float *row0, const float *row1, const float *row2, const float *row3,
                 long count, float out[4]);

/// Dot product of a query prepared for half rows with a row of `count` IEEE halves (`count` a multiple
/// of 32, the row without subnormal halves). The prepared query is scaled by 2^112 and laid out per
/// block of 32 as the 16 even-indexed values then the 16 odd ones (Search's `VectorBuffer.prepare`).
float lk_dot_f16q(const float *q, const uint16_t *row, long count);

/// `lk_dot_f16q` for four rows at once.
void lk_dot4_f16q(const float *q, const uint16_t *row0, const uint16_t *row1, const uint16_t *row2,
                  const uint16_t *row3, long count, float out[4]);

/// Σ a[i]·b[i] over two rows of `count` IEEE halves (`count` a multiple of 32, no subnormal halves).
float lk_dot_f16(const uint16_t *a, const uint16_t *b, long count);

/// Name of the instruction set the kernels use on this CPU ("avx512bw", "avx2" or "generic").
const char *lk_kernels_isa(void);

#endif
