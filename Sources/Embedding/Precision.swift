/// The arithmetic OpenVINO runs the model in.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// 32-bit floats everywhere: exact, slower.
    case f32
    /// bfloat16 matrix maths (AMX / AVX-512 BF16): several times faster, tiny differences.
    case bf16
    /// The int8 model `scripts/setup.sh` quantizes beside each model (`model-int8.xml`): 8-bit integer
    /// convolutions (VNNI / AMX where the CPU has them); the layers it keeps in floating point run in bf16
    /// where the CPU computes in bf16 natively, otherwise in f32.
    case int8
    /// The fastest of the above whose vectors keep a cosine of 0.99 or more to f32's on real photos, measured
    /// once per CPU and model and remembered (`AutoPrecision`).
    case auto

    /// The file an int8 model is read from, in the model's folder.
    public static let int8ModelFile = "model-int8.xml"
}
