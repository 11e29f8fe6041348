// Lookalike: the CPU's brand string and the instruction-set features that decide how fast each model
// precision runs, read with CPUID (and XGETBV for what the operating system enabled), so they describe the
// CPU the process runs on, emulated ones included.
#ifndef LOOKALIKE_CPU_FEATURES_H
#define LOOKALIKE_CPU_FEATURES_H

/// Feature bits of `lk_cpu_features`.
#define LK_CPU_AVX2 0x001u
#define LK_CPU_FMA 0x002u
#define LK_CPU_AVX512F 0x004u
#define LK_CPU_AVX512BW 0x008u
#define LK_CPU_AVX512_VNNI 0x010u
#define LK_CPU_AVX512_BF16 0x020u
#define LK_CPU_AVX_VNNI 0x040u
#define LK_CPU_AMX_TILE 0x080u
#define LK_CPU_AMX_INT8 0x100u
#define LK_CPU_AMX_BF16 0x200u
#define LK_CPU_AVX512_FP16 0x400u

/// The features above that the CPU has and the operating system enabled (0 on a CPU without CPUID).
unsigned lk_cpu_features(void);

/// Writes the CPU's brand string (e.g. "AMD EPYC 9R14 96-Core Processor") into `out`, NUL-terminated;
/// an empty string when the CPU gives none.
void lk_cpu_brand(char *out, unsigned long size);

#endif
