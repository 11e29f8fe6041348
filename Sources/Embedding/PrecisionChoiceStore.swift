import Foundation

/// Where `--precision auto` keeps its choices: one small JSON file per model folder and CPU, in a cache
/// folder, written atomically (a temporary file renamed over the old one), so processes that choose at the
/// same time never read half a file.
public struct PrecisionChoiceStore: Sendable {
    /// The folder the choice files are in.
    public let folder: URL

    /// A store in `folder`.
    public init(folder: URL) { self.folder = folder }

    /// The default folder: `$LOOKALIKE_CACHE_DIR`, else systemd's `$CACHE_DIRECTORY` (a unit's
    /// `CacheDirectory=`), else `$XDG_CACHE_HOME/lookalike`, else `~/.cache/lookalike`; with `precision/`
    /// appended. Nil when none of them is set.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let base: URL
        if let dir = nonEmpty("LOOKALIKE_CACHE_DIR") {
            base = URL(fileURLWithPath: dir)
        } else if let dirs = nonEmpty("CACHE_DIRECTORY"), let first = dirs.split(separator: ":").first {
            base = URL(fileURLWithPath: String(first))
        } else if let xdg = nonEmpty("XDG_CACHE_HOME") {
            base = URL(fileURLWithPath: xdg).appendingPathComponent("lookalike")
        } else if let home = nonEmpty("HOME"), home != "/" {
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache/lookalike")
        } else {
            return nil
        }
        return base.appendingPathComponent("precision")
    }

    /// The file holding the choice for the model in `directory` on `cpu`: named after the model, with a hash
    /// of the folder's path and the CPU, so models and CPUs (a home folder shared by several machines) never
    /// overwrite each other's choices.
    public func file(model: String, directory: URL, cpu: CPUInfo) -> URL {
        var hash = FNV1a()
        hash.add(Data(directory.standardizedFileURL.path.utf8))
        hash.add(Data("\u{0}\(cpu.name)\u{0}\(cpu.features.joined(separator: " "))".utf8))
        let safeName = String(model.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return folder.appendingPathComponent("\(safeName)-\(String(format: "%016llx", hash.value).prefix(12)).json")
    }

    /// The choice stored in `file`, nil when there is none or it cannot be read.
    public func read(_ file: URL) -> PrecisionChoice? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? Self.decoder().decode(PrecisionChoice.self, from: data)
    }

    /// Stores `choice` in `file`, replacing what was there; throws when the folder cannot be made or written.
    public func write(_ choice: PrecisionChoice, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.encoder().encode(choice).write(to: file, options: .atomic)
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
