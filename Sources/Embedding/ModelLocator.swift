import Foundation

/// Finds a model folder from `--model NAME|PATH`.
public enum ModelLocator {
    /// The model used when none is named.
    public static let defaultModel = "efficientnet-lite0"

    /// Folders searched for a model given by name, in order: $LOOKALIKE_MODELS, ./models,
    /// the checkout's models/ beside a binary in .build*/…/, and ../share/lookalike/models
    /// beside an installed binary.
    public static func searchRoots() -> [URL] {
        var roots: [URL] = []
        if let env = ProcessInfo.processInfo.environment["LOOKALIKE_MODELS"], !env.isEmpty {
            roots.append(URL(fileURLWithPath: env))
        }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models"))
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {  // .build/<triple>/<config>/lookalike → checkout
            folder = folder.deletingLastPathComponent()
            roots.append(folder.appendingPathComponent("models"))
        }
        roots.append(executable.deletingLastPathComponent().appendingPathComponent("../share/lookalike/models").standardized)
        var seen = Set<String>()
        return roots.filter { seen.insert($0.standardized.path).inserted }
    }

    /// Resolves a name or a path to a folder that holds manifest.json.
    public static func locate(_ nameOrPath: String) throws -> URL {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let direct = URL(fileURLWithPath: nameOrPath)
        if fm.fileExists(atPath: direct.path, isDirectory: &isDirectory) {
            let folder = isDirectory.boolValue ? direct : direct.deletingLastPathComponent()
            guard fm.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) else {
                throw EmbeddingError.invalidManifest(path: folder.path, reason: "no manifest.json in this folder")
            }
            return folder.standardized
        }
        guard !nameOrPath.contains("/") else {
            throw EmbeddingError.modelNotFound(name: nameOrPath, searched: [direct.path])
        }
        let roots = searchRoots()
        for root in roots {
            let folder = root.appendingPathComponent(nameOrPath)
            if fm.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) { return folder.standardized }
        }
        throw EmbeddingError.modelNotFound(name: nameOrPath, searched: roots.map(\.path))
    }
}
