#include "cpu_features.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

unsigned lk_cpu_features(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1;
    if (!osxsave) return 0;  // no YMM state saved by the OS: no AVX of any width
    unsigned long long xcr = xcr0();
    int ymm = (xcr & 0x6) == 0x6;           // SSE and AVX state
    int zmm = ymm && (xcr & 0xe0) == 0xe0;  // opmask, upper ZMM halves, ZMM16-31
    int tiles = (xcr & 0x60000) == 0x60000; // AMX tile config and data
    unsigned features = 0;
    if (ymm && fma) features |= LK_CPU_FMA;
    if (__get_cpuid_max(0, 0) < 7) return features;
    __cpuid_count(7, 0, a, b, c, d);
    unsigned b7 = b, c7 = c, d7 = d;
    __cpuid_count(7, 1, a, b, c, d);
    unsigned a71 = a;
    if (ymm && (b7 >> 5) & 1) features |= LK_CPU_AVX2;
    if (ymm && (a71 >> 4) & 1) features |= LK_CPU_AVX_VNNI;
    if (zmm && (b7 >> 16) & 1) features |= LK_CPU_AVX512F;
    if (zmm && (b7 >> 30) & 1) features |= LK_CPU_AVX512BW;
    if (zmm && (c7 >> 11) & 1) features |= LK_CPU_AVX512_VNNI;
    if (zmm && (a71 >> 5) & 1) features |= LK_CPU_AVX512_BF16;
    if (zmm && (d7 >> 23) & 1) features |= LK_CPU_AVX512_FP16;
    if (tiles && (d7 >> 24) & 1) features |= LK_CPU_AMX_TILE;
    if (tiles && (d7 >> 25) & 1) features |= LK_CPU_AMX_INT8;
    if (tiles && (d7 >> 22) & 1) features |= LK_CPU_AMX_BF16;
    return features;
}

void lk_cpu_brand(char *out, unsigned long size) {
    if (size == 0) return;
    out[0] = 0;
    unsigned regs[12];
    if (__get_cpuid_max(0x80000000, 0) < 0x80000004) return;
    for (unsigned i = 0; i < 3; i++) {
        __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    }
    char brand[49];
    memcpy(brand, regs, 48);
    brand[48] = 0;
    const char *start = brand;
    while (*start == ' ') start++;
    strncpy(out, start, size - 1);
    out[size - 1] = 0;
    for (long i = (long)strlen(out) - 1; i >= 0 && out[i] == ' '; i--) out[i] = 0;
}

#else

unsigned lk_cpu_features(void) { return 0; }

void lk_cpu_brand(char *out, unsigned long size) {
    if (size > 0) out[0] = 0;
}

#endif
