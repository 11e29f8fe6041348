import Foundation
import Yams

/// A `lookalike.yaml` file: sections of settings (`server.port`, `cors.origins`, …), read into one flat table
/// of dotted keys. Every key must be one `serve` knows (`ServeSettings.keys`): a misspelt security setting is
/// an error, never silently ignored.
struct ConfigFile: Sendable {
    /// A value as written: one scalar, or a list of scalars.
    enum Value: Sendable, Equatable {
        case scalar(String)
        case list([String])
    }

    /// Where the file was read from.
    let path: String
    /// Dotted key → value.
    let values: [String: Value]

    /// The file `serve` and `config check` read: `--config`, else `$LOOKALIKE_CONFIG`, else `./lookalike.yaml`,
    /// else `/etc/lookalike/lookalike.yaml`; nil when none is given and neither conventional file exists.
    static func locate(explicit: String?, environment: [String: String]) -> (path: String, required: Bool)? {
        if let explicit { return (explicit, true) }
        if let fromEnvironment = environment["LOOKALIKE_CONFIG"], !fromEnvironment.isEmpty { return (fromEnvironment, true) }
        return conventionalPaths.first { FileManager.default.fileExists(atPath: $0) }.map { ($0, false) }
    }

    /// The files looked for when no `--config` is given, in order.
    static let conventionalPaths = ["lookalike.yaml", "/etc/lookalike/lookalike.yaml"]

    /// The largest file read: a configuration is a few hundred bytes.
    static let maxBytes = 1 << 20

    /// Reads and checks the file at `path` against the known keys.
    init(path: String, knownKeys: Set<String>) throws(ConfigError) {
        self.path = path
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: Self.maxBytes + 1) ?? Data()
        } catch {
            throw ConfigError(path: path, FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist")
        }
        guard data.count <= Self.maxBytes else { throw ConfigError(path: path, "is larger than 1 MB; is it the right file?") }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError(path: path, "is not UTF-8 text") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(path: path, "is not valid YAML: \(error)")
        }
        var values: [String: Value] = [:]
        if let root {
            guard case .mapping(let mapping) = root else {
                throw ConfigError(path: path, "must hold sections such as `server:` and `cors:`, not a single value or a list")
            }
            try Self.flatten(mapping, prefix: "", into: &values, path: path)
        }
        let unknown = values.keys.filter { !knownKeys.contains($0) }.sorted()
        if let first = unknown.first {
            var suggestion: String?
            var closest = 4
            for known in knownKeys.sorted() {
                let distance = Self.editDistance(known, first)
                if distance < closest { (suggestion, closest) = (known, distance) }
            }
            throw ConfigError(path: path, "has unknown key\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", "))"
                + (suggestion.map { " (did you mean \($0)?)" } ?? "") + "; `lookalike config check` lists every key")
        }
        self.values = values
    }

    /// Levenshtein distance, for "did you mean".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0 ... b.count)
        for i in 1 ... a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1 ... b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                row[j] = min(previous[j] + 1, row[j - 1] + 1, substitution)
            }
            previous = row
        }
        return previous[b.count]
    }

    private static func flatten(_ mapping: Node.Mapping, prefix: String, into values: inout [String: Value], path: String) throws(ConfigError) {
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(path: path, "has a key that is not a plain name under '\(prefix.isEmpty ? "the top level" : prefix)'")
            }
            let key = prefix.isEmpty ? keyScalar.string : prefix + "." + keyScalar.string
            switch valueNode {
            case .scalar(let scalar):
                if scalar.tag == Tag(.null) || (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)) {
                    continue  // `key:` with nothing after it: not set
                }
                values[key] = .scalar(scalar.string)
            case .sequence(let sequence):
                var items: [String] = []
                for item in sequence {
                    guard case .scalar(let scalar) = item else { throw ConfigError(path: path, "\(key) must be a list of plain values") }
                    items.append(scalar.string)
                }
                values[key] = .list(items)
            case .mapping(let inner):
                try flatten(inner, prefix: key, into: &values, path: path)
            case .alias:
                throw ConfigError(path: path, "\(key) uses a YAML alias; write the value out")
            }
        }
    }
}

/// A configuration that cannot be used: the file, the key and what is wrong.
struct ConfigError: Error, CustomStringConvertible {
    let description: String

    init(path: String, _ problem: String) { description = "the configuration file \(path) \(problem)" }
    init(_ message: String) { description = message }
}
