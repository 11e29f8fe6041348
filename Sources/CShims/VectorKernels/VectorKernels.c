// Lookalike: int8 dot products with run-time selection of the instruction set (see VectorKernels.h).
#include "VectorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw")))
static int32_t dot_i8_avx512bw(const int8_t *q, const int8_t *row, long count) {
    __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
    long i = 0;
    for (; i + 64 <= count; i += 64) {
        __m512i q0 = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const void *)(q + i)));
        __m512i r0 = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const void *)(row + i)));
        __m512i q1 = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const void *)(q + i + 32)));
        __m512i r1 = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const void *)(row + i + 32)));
        acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(q0, r0));
        acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(q1, r1));
    }
    int32_t sum = _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1));
    for (; i < count; i++) sum += (int32_t)q[i] * row[i];
    return sum;
}

__attribute__((target("avx2")))
static int32_t dot_i8_avx2(const int8_t *q, const int8_t *row, long count) {
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    long i = 0;
    for (; i + 32 <= count; i += 32) {
        __m256i q0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const void *)(q + i)));
        __m256i r0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const void *)(row + i)));
        __m256i q1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const void *)(q + i + 16)));
        __m256i r1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const void *)(row + i + 16)));
        acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(q0, r0));
        acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(q1, r1));
    }
    __m256i acc = _mm256_add_epi32(acc0, acc1);
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    int32_t sum = _mm_cvtsi128_si32(s);
    for (; i < count; i++) sum += (int32_t)q[i] * row[i];
    return sum;
}
#endif

static int32_t dot_i8_generic(const int8_t *q, const int8_t *row, long count) {
    int32_t sum = 0;
    for (long i = 0; i < count; i++) sum += (int32_t)q[i] * row[i];
    return sum;
}

typedef int32_t (*dot_i8_fn)(const int8_t *, const int8_t *, long);
static dot_i8_fn dot_i8 = dot_i8_generic;
static const char *isa = "generic";

__attribute__((constructor))
static void lk_kernels_select(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw")) { dot_i8 = dot_i8_avx512bw; isa = "avx512bw"; return; }
    if (__builtin_cpu_supports("avx2")) { dot_i8 = dot_i8_avx2; isa = "avx2"; return; }
#endif
}

int32_t lk_dot_i8(const int8_t *q, const int8_t *row, long count) { return dot_i8(q, row, count); }

const char *lk_kernels_isa(void) { return isa; }
