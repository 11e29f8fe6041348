import CPUFeatures

/// The CPU this process runs on: its name and the instruction-set features that decide how fast each
/// precision runs (read with CPUID, so under an emulator they are the emulated CPU's).
public struct CPUInfo: Sendable, Codable, Equatable {
    /// The CPU's brand string, e.g. "AMD EPYC 9R14 96-Core Processor".
    public let name: String
    /// The features it has, by their Linux /proc/cpuinfo names, in a fixed order.
    public let features: [String]

    /// Every feature looked for, with its bit in `lk_cpu_features`.
    private static let known: [(name: String, bit: UInt32)] = [
        ("avx2", LK_CPU_AVX2), ("fma", LK_CPU_FMA),
        ("avx_vnni", LK_CPU_AVX_VNNI), ("avx512f", LK_CPU_AVX512F),
        ("avx512bw", LK_CPU_AVX512BW), ("avx512_vnni", LK_CPU_AVX512_VNNI),
        ("avx512_bf16", LK_CPU_AVX512_BF16), ("avx512_fp16", LK_CPU_AVX512_FP16),
        ("amx_tile", LK_CPU_AMX_TILE), ("amx_int8", LK_CPU_AMX_INT8),
        ("amx_bf16", LK_CPU_AMX_BF16),
    ]

    /// A description of a CPU (for tests and stored choices).
    public init(name: String, features: [String]) {
        self.name = name
        self.features = features
    }

    /// The CPU this process runs on.
    public static let current: CPUInfo = {
        var brand = [CChar](repeating: 0, count: 64)
        lk_cpu_brand(&brand, UInt(brand.count))
        let name = String(decoding: brand.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bits = lk_cpu_features()
        return CPUInfo(name: name.isEmpty ? "unknown CPU" : name, features: known.filter { bits & $0.bit != 0 }.map(\.name))
    }()

    /// Whether the CPU has `feature` (a /proc/cpuinfo name).
    public func has(_ feature: String) -> Bool { features.contains(feature) }

    /// "AMD EPYC …: avx2 fma avx512f avx512_vnni avx512_bf16; no amx_tile", for benchmark headers and logs.
    public var summary: String {
        let missing = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"].filter { !has($0) }
        return "\(name): \(features.isEmpty ? "no AVX" : features.joined(separator: " "))"
            + (missing.isEmpty ? "" : "; no \(missing.joined(separator: ", "))")
    }
}
