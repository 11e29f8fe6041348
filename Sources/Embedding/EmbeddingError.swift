/// Why a model could not be loaded or run, worded for the person who hits it.
public enum EmbeddingError: Error, CustomStringConvertible {
    /// `--model` named neither a folder with a manifest nor a known model name.
    case modelNotFound(name: String, searched: [String])
    /// manifest.json is missing, unreadable or inconsistent.
    case invalidManifest(path: String, reason: String)
    /// OpenVINO refused an operation; `operation` says which.
    case runtime(operation: String, message: String)
    /// The model's outputs do not match what the manifest says.
    case unexpectedOutput(String)
    /// A caller passed something unusable (empty batch, wrong tensor size, unknown option).
    case invalidArgument(String)
    /// `--precision int8` on a model folder without its quantized model.
    case missingInt8Model(path: String)

    public var description: String {
        switch self {
        case .modelNotFound(let name, let searched):
            return "model '\(name)' not found (looked in: \(searched.joined(separator: ", "))). "
                + "Run `make setup` to prepare the default models, or pass --model /path/to/folder-with-manifest.json"
        case .invalidManifest(let path, let reason):
            return "\(path): \(reason)"
        case .runtime(let operation, let message):
            return "OpenVINO could not \(operation): \(message)"
        case .unexpectedOutput(let reason):
            return "the model's output is not as its manifest says: \(reason)"
        case .invalidArgument(let reason):
            return reason
        case .missingInt8Model(let path):
            return "precision int8 needs the quantized model \(path), which does not exist: run scripts/setup.sh "
                + "(it quantizes every model under models/; for a model elsewhere, .venv/bin/python "
                + "tools/models/quantize_models.py --models <the folder holding the model's folder>), "
                + "or use --precision f32, bf16 or auto"
        }
    }
}
