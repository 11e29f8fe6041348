/// The arithmetic OpenVINO runs the model in.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// 32-bit floats everywhere: exact, slower.
    case f32
    /// bfloat16 matrix maths (AMX / AVX-512 BF16): several times faster, tiny differences.
    case bf16
    /// bf16 where the CPU has it, otherwise f32.
    case auto

    /// The value for OpenVINO's INFERENCE_PRECISION_HINT.
    var hint: String { self == .bf16 ? "bf16" : "f32" }
}
