// Lookalike: int8, float32 and half-float dot products with run-time selection of the instruction set
// (see VectorKernels.h).
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

// ---- float32 and half-float dot products (HNSW distances) -------------------------------------------
//
// Half rows are widened with the bit trick of Search's DotKernels.float16: a half, sign-extended into
// the top of an int32 lane and shifted right by 3 (arithmetic), masked with 0x8FFFE000, is the float
// value·2^-112 (exact for normal halves and zero). The prepared query carries the 2^112. Half·half
// widens both sides with F16C/AVX-512 conversions where available, else the same trick and a rescale.

#define LK_HALF_MASK ((int32_t)0x8FFFE000)

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static float dot_f32_avx512(const float *a, const float *b, long count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

__attribute__((target("avx512f")))
static void dot4_f32_avx512(const float *q, const float *r0, const float *r1, const float *r2, const float *r3,
                            long count, float out[4]) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __m512 v = _mm512_loadu_ps(q + i);
        s0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(r0 + i), s0);
        s1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(r1 + i), s1);
        s2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(r2 + i), s2);
        s3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(r3 + i), s3);
    }
    out[0] = _mm512_reduce_add_ps(s0); out[1] = _mm512_reduce_add_ps(s1);
    out[2] = _mm512_reduce_add_ps(s2); out[3] = _mm512_reduce_add_ps(s3);
}

// 32 halves as 16 int32 words: the even halves (low 16 bits) and the odd ones (high 16 bits), ·2^-112.
__attribute__((target("avx512f")))
static inline void widen_avx512(const uint16_t *row, long i, __m512 *even, __m512 *odd) {
    const __m512i mask = _mm512_set1_epi32(LK_HALF_MASK);
    __m512i words = _mm512_loadu_si512((const void *)(row + i));
    *even = _mm512_castsi512_ps(_mm512_and_si512(_mm512_srai_epi32(_mm512_slli_epi32(words, 16), 3), mask));
    *odd = _mm512_castsi512_ps(_mm512_and_si512(_mm512_srai_epi32(words, 3), mask));
}

__attribute__((target("avx512f")))
static float dot_f16q_avx512(const float *q, const uint16_t *row, long count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), even, odd;
    for (long i = 0; i < count; i += 32) {
        widen_avx512(row, i, &even, &odd);
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), even, s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), odd, s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

__attribute__((target("avx512f")))
static void dot4_f16q_avx512(const float *q, const uint16_t *r0, const uint16_t *r1, const uint16_t *r2,
                             const uint16_t *r3, long count, float out[4]) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    __m512 even, odd;
    for (long i = 0; i < count; i += 32) {
        __m512 qe = _mm512_loadu_ps(q + i), qo = _mm512_loadu_ps(q + i + 16);
        widen_avx512(r0, i, &even, &odd); s0 = _mm512_fmadd_ps(qe, even, _mm512_fmadd_ps(qo, odd, s0));
        widen_avx512(r1, i, &even, &odd); s1 = _mm512_fmadd_ps(qe, even, _mm512_fmadd_ps(qo, odd, s1));
        widen_avx512(r2, i, &even, &odd); s2 = _mm512_fmadd_ps(qe, even, _mm512_fmadd_ps(qo, odd, s2));
        widen_avx512(r3, i, &even, &odd); s3 = _mm512_fmadd_ps(qe, even, _mm512_fmadd_ps(qo, odd, s3));
    }
    out[0] = _mm512_reduce_add_ps(s0); out[1] = _mm512_reduce_add_ps(s1);
    out[2] = _mm512_reduce_add_ps(s2); out[3] = _mm512_reduce_add_ps(s3);
}

__attribute__((target("avx512f")))
static float dot_f16_avx512(const uint16_t *a, const uint16_t *b, long count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const void *)(a + i))),
                             _mm512_cvtph_ps(_mm256_loadu_si256((const void *)(b + i))), s0);
        s1 = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const void *)(a + i + 16))),
                             _mm512_cvtph_ps(_mm256_loadu_si256((const void *)(b + i + 16))), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

__attribute__((target("avx2,fma")))
static inline float hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static float dot_f32_avx2(const float *a, const float *b, long count) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    for (long i = 0; i < count; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    return hsum_avx2(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

__attribute__((target("avx2,fma")))
static void dot4_f32_avx2(const float *q, const float *r0, const float *r1, const float *r2, const float *r3,
                          long count, float out[4]) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    for (long i = 0; i < count; i += 8) {
        __m256 v = _mm256_loadu_ps(q + i);
        s0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r0 + i), s0);
        s1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r1 + i), s1);
        s2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r2 + i), s2);
        s3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r3 + i), s3);
    }
    out[0] = hsum_avx2(s0); out[1] = hsum_avx2(s1); out[2] = hsum_avx2(s2); out[3] = hsum_avx2(s3);
}

// 16 halves as 8 int32 words: evens and odds, ·2^-112.
__attribute__((target("avx2,fma")))
static inline void widen_avx2(const uint16_t *row, long i, __m256 *even, __m256 *odd) {
    const __m256i mask = _mm256_set1_epi32(LK_HALF_MASK);
    __m256i words = _mm256_loadu_si256((const void *)(row + i));
    *even = _mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(_mm256_slli_epi32(words, 16), 3), mask));
    *odd = _mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(words, 3), mask));
}

// Halves i..i+15 of a block of 32 start at query offset (block + part) for evens and +16 for odds,
// part = 0 for the first 16 halves of the block and 8 for the second.
__attribute__((target("avx2,fma")))
static float dot_f16q_avx2(const float *q, const uint16_t *row, long count) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), even, odd;
    for (long i = 0; i < count; i += 16) {
        long at = (i & ~31L) + ((i & 16) >> 1);
        widen_avx2(row, i, &even, &odd);
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + at), even, s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + at + 16), odd, s1);
    }
    return hsum_avx2(_mm256_add_ps(s0, s1));
}

__attribute__((target("avx2,fma")))
static void dot4_f16q_avx2(const float *q, const uint16_t *r0, const uint16_t *r1, const uint16_t *r2,
                           const uint16_t *r3, long count, float out[4]) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    __m256 even, odd;
    for (long i = 0; i < count; i += 16) {
        long at = (i & ~31L) + ((i & 16) >> 1);
        __m256 qe = _mm256_loadu_ps(q + at), qo = _mm256_loadu_ps(q + at + 16);
        widen_avx2(r0, i, &even, &odd); s0 = _mm256_fmadd_ps(qe, even, _mm256_fmadd_ps(qo, odd, s0));
        widen_avx2(r1, i, &even, &odd); s1 = _mm256_fmadd_ps(qe, even, _mm256_fmadd_ps(qo, odd, s1));
        widen_avx2(r2, i, &even, &odd); s2 = _mm256_fmadd_ps(qe, even, _mm256_fmadd_ps(qo, odd, s2));
        widen_avx2(r3, i, &even, &odd); s3 = _mm256_fmadd_ps(qe, even, _mm256_fmadd_ps(qo, odd, s3));
    }
    out[0] = hsum_avx2(s0); out[1] = hsum_avx2(s1); out[2] = hsum_avx2(s2); out[3] = hsum_avx2(s3);
}

__attribute__((target("avx2,fma,f16c")))
static float dot_f16_avx2(const uint16_t *a, const uint16_t *b, long count) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const void *)(a + i))),
                             _mm256_cvtph_ps(_mm_loadu_si128((const void *)(b + i))), s0);
        s1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const void *)(a + i + 8))),
                             _mm256_cvtph_ps(_mm_loadu_si128((const void *)(b + i + 8))), s1);
    }
    return hsum_avx2(_mm256_add_ps(s0, s1));
}
#endif

/// A half as the float value·2^-112 (exact for normal halves and zero), as the SIMD kernels widen it.
static inline float half_scaled(uint16_t half) {
    union { int32_t i; float f; } bits = { .i = (((int32_t)(int16_t)half * 65536) >> 3) & LK_HALF_MASK };
    return bits.f;
}

static float dot_f32_generic(const float *a, const float *b, long count) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (long i = 0; i < count; i += 4) {
        s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
    }
    return (s0 + s1) + (s2 + s3);
}

static void dot4_f32_generic(const float *q, const float *r0, const float *r1, const float *r2, const float *r3,
                             long count, float out[4]) {
    out[0] = dot_f32_generic(q, r0, count); out[1] = dot_f32_generic(q, r1, count);
    out[2] = dot_f32_generic(q, r2, count); out[3] = dot_f32_generic(q, r3, count);
}

static float dot_f16q_generic(const float *q, const uint16_t *row, long count) {
    float sum = 0;
    for (long i = 0; i < count; i++) {
        long within = i & 31;
        sum += q[(i & ~31L) + (within & 1) * 16 + (within >> 1)] * half_scaled(row[i]);
    }
    return sum;
}

static void dot4_f16q_generic(const float *q, const uint16_t *r0, const uint16_t *r1, const uint16_t *r2,
                              const uint16_t *r3, long count, float out[4]) {
    out[0] = dot_f16q_generic(q, r0, count); out[1] = dot_f16q_generic(q, r1, count);
    out[2] = dot_f16q_generic(q, r2, count); out[3] = dot_f16q_generic(q, r3, count);
}

static float dot_f16_generic(const uint16_t *a, const uint16_t *b, long count) {
    float sum = 0;
    for (long i = 0; i < count; i++) sum += (half_scaled(a[i]) * 0x1p112f) * (half_scaled(b[i]) * 0x1p112f);
    return sum;
}

typedef float (*dot_f32_fn)(const float *, const float *, long);
typedef void (*dot4_f32_fn)(const float *, const float *, const float *, const float *, const float *, long, float *);
typedef float (*dot_f16q_fn)(const float *, const uint16_t *, long);
typedef void (*dot4_f16q_fn)(const float *, const uint16_t *, const uint16_t *, const uint16_t *, const uint16_t *,
                             long, float *);
typedef float (*dot_f16_fn)(const uint16_t *, const uint16_t *, long);
static dot_f32_fn dot_f32 = dot_f32_generic;
static dot4_f32_fn dot4_f32 = dot4_f32_generic;
static dot_f16q_fn dot_f16q = dot_f16q_generic;
static dot4_f16q_fn dot4_f16q = dot4_f16q_generic;
static dot_f16_fn dot_f16 = dot_f16_generic;

__attribute__((constructor))
static void lk_float_kernels_select(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        dot_f32 = dot_f32_avx512; dot4_f32 = dot4_f32_avx512;
        dot_f16q = dot_f16q_avx512; dot4_f16q = dot4_f16q_avx512; dot_f16 = dot_f16_avx512;
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        dot_f32 = dot_f32_avx2; dot4_f32 = dot4_f32_avx2;
        dot_f16q = dot_f16q_avx2; dot4_f16q = dot4_f16q_avx2;
        if (__builtin_cpu_supports("f16c")) dot_f16 = dot_f16_avx2;
    }
#endif
}

float lk_dot_f32(const float *a, const float *b, long count) { return dot_f32(a, b, count); }

void lk_dot4_f32(const float *q, const float *row0, const float *row1, const float *row2, const float *row3,
                 long count, float out[4]) { dot4_f32(q, row0, row1, row2, row3, count, out); }

float lk_dot_f16q(const float *q, const uint16_t *row, long count) { return dot_f16q(q, row, count); }

void lk_dot4_f16q(const float *q, const uint16_t *row0, const uint16_t *row1, const uint16_t *row2,
                  const uint16_t *row3, long count, float out[4]) { dot4_f16q(q, row0, row1, row2, row3, count, out); }

float lk_dot_f16(const uint16_t *a, const uint16_t *b, long count) { return dot_f16(a, b, count); }
