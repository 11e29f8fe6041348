import ArgumentParser
import Foundation
import PostgresCatalog

/// One setting of `serve`: its key in the file, its command-line flag and its environment variable
/// (`LOOKALIKE_` + the key in capitals, dots as underscores: `cors.origins` → `LOOKALIKE_CORS_ORIGINS`).
struct ConfigKey: Sendable, Hashable {
    /// The dotted key, `section.name`.
    let name: String
    /// The flag that sets it on the command line.
    let flag: String
    /// Whether a running server takes a new value on SIGHUP.
    let reloadable: Bool
    /// Shown masked by `config check` and in logs.
    let secret: Bool
    /// A database URL: shown without its password.
    let databaseURL: Bool

    init(_ name: String, flag: String, reloadable: Bool = false, secret: Bool = false, databaseURL: Bool = false) {
        self.name = name
        self.flag = flag
        self.reloadable = reloadable
        self.secret = secret
        self.databaseURL = databaseURL
    }

    /// The environment variable that sets it.
    var environmentVariable: String {
        "LOOKALIKE_" + name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }
}

/// Where a setting's value came from, highest precedence first.
enum SettingOrigin: String, Sendable {
    case flag
    case environment
    case file
    case `default`
}

/// A resolved setting, as `config check` prints it.
struct ResolvedSetting: Sendable, Equatable {
    let key: String
    /// The value for people: secrets masked, database passwords removed.
    let shown: String
    let origin: SettingOrigin
    let reloadable: Bool
}

/// Resolves settings in order of precedence: a flag on the command line, then the environment variable,
/// then the configuration file, then the default; and records where each value came from.
struct SettingResolver {
    let file: ConfigFile?
    let environment: [String: String]
    private(set) var resolved: [ResolvedSetting] = []

    init(file: ConfigFile?, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    /// A setting with a default.
    mutating func value<T: ExpressibleByArgument>(_ key: ConfigKey, flag: T?, default fallback: T) throws(ConfigError) -> T {
        let (value, origin) = try lookup(key, flag: flag) ?? (fallback, .default)
        record(key, value: "\(value)", origin: origin)
        return value
    }

    /// A setting that may be unset.
    mutating func optional<T: ExpressibleByArgument>(_ key: ConfigKey, flag: T?) throws(ConfigError) -> T? {
        guard let (value, origin) = try lookup(key, flag: flag) else {
            record(key, value: "(not set)", origin: .default, masked: false)
            return nil
        }
        record(key, value: "\(value)", origin: origin)
        return value
    }

    /// A list: the flag repeated, a comma-separated environment variable, or a YAML list in the file.
    mutating func list<T: ExpressibleByArgument>(_ key: ConfigKey, flag: [T]) throws(ConfigError) -> [T] {
        let values: [T], origin: SettingOrigin
        if !flag.isEmpty {
            (values, origin) = (flag, .flag)
        } else if let text = environment[key.environmentVariable], !text.isEmpty {
            values = try text.split(separator: ",").map { item throws(ConfigError) in
                try Self.parse(String(item).trimmingCharacters(in: .whitespaces), key, from: "$\(key.environmentVariable)")
            }
            origin = .environment
        } else if let written = file?.values[key.name] {
            let items: [String]
            switch written {
            case .list(let list): items = list
            case .scalar(let one): items = [one]
            }
            values = try items.map { item throws(ConfigError) in try Self.parse(item, key, from: file?.path ?? "") }
            origin = .file
        } else {
            (values, origin) = ([], .default)
        }
        record(key, value: values.isEmpty ? "(none)" : values.map { "\($0)" }.joined(separator: ", "), origin: origin, masked: !values.isEmpty)
        return values
    }

    private func lookup<T: ExpressibleByArgument>(_ key: ConfigKey, flag: T?) throws(ConfigError) -> (T, SettingOrigin)? {
        if let flag { return (flag, .flag) }
        if let text = environment[key.environmentVariable], !text.isEmpty {
            return (try Self.parse(text, key, from: "$\(key.environmentVariable)"), .environment)
        }
        if let written = file?.values[key.name] {
            guard case .scalar(let text) = written else {
                throw ConfigError("\(key.name) in \(file?.path ?? "the configuration file") must be a single value, not a list")
            }
            return (try Self.parse(text, key, from: file?.path ?? ""), .file)
        }
        return nil
    }

    private static func parse<T: ExpressibleByArgument>(_ text: String, _ key: ConfigKey, from source: String) throws(ConfigError) -> T {
        guard let value = T(argument: text) else {
            let choices = T.allValueStrings.isEmpty ? "" : " (one of: \(T.allValueStrings.joined(separator: ", ")))"
            throw ConfigError("\(key.name) in \(source) cannot be '\(text)': expected \(Self.typeName(T.self))\(choices)")
        }
        return value
    }

    private static func typeName<T>(_ type: T.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        default: return "a value"
        }
    }

    private mutating func record(_ key: ConfigKey, value: String, origin: SettingOrigin, masked: Bool = true) {
        var shown = value
        if masked, key.secret { shown = "******** (set)" }
        if masked, key.databaseURL { shown = PostgresURL.redact(value) }
        resolved.append(ResolvedSetting(key: key.name, shown: shown, origin: origin, reloadable: key.reloadable))
    }
}
