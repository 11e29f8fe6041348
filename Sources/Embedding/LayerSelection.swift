/// Which of a model's intermediate feature layers are pooled beside its head into one descriptor.
///
/// The descriptor is L2([L2(pool(head)), L2(pool(layer₁)), …]): every layer weighs as much as the
/// head, so a 112-channel layer counts as much as the 1280-channel head.
public enum LayerSelection: Sendable, Hashable, CustomStringConvertible {
    /// The head alone.
    case final
    /// The head and every layer the manifest lists in `featureLayers`.
    case all
    /// The head and the named layers, in this order.
    case named([String])

    /// Parses "final", "all" or a comma-separated list of layer names.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "final", "head", "none", "": self = .final
        case "all": self = .all
        default:
            let names = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            self = names.isEmpty ? .final : .named(names)
        }
    }

    public var description: String {
        switch self {
        case .final: return "final"
        case .all: return "all"
        case .named(let names): return names.joined(separator: ",")
        }
    }

    /// The manifest's layers this selection names, checked against what the model outputs.
    public func resolve(in manifest: ModelManifest) throws -> [ModelManifest.FeatureLayer] {
        let known = manifest.featureLayers ?? []
        switch self {
        case .final: return []
        case .all: return known
        case .named(let names):
            guard Set(names).count == names.count else {
                throw EmbeddingError.invalidArgument("layers '\(names.joined(separator: ","))' name a layer twice")
            }
            return try names.map { name in
                guard let layer = known.first(where: { $0.name == name }) else {
                    let list = known.isEmpty ? "none" : known.map(\.name).joined(separator: ", ")
                    throw EmbeddingError.invalidArgument("model '\(manifest.name)' has no feature layer '\(name)' (its layers: \(list); or use final or all)")
                }
                return layer
            }
        }
    }
}
