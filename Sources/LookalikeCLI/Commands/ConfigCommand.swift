import ArgumentParser
import Foundation

/// `lookalike config`: the configuration file of `serve`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check serve's configuration file and print the settings it gives.",
        subcommands: [ConfigCheckCommand.self, ConfigExampleCommand.self])
}

/// `lookalike config check`: reads the file `serve` would read, with the environment's `LOOKALIKE_*`
/// variables, checks every value and prints the settings in force, where each came from and whether SIGHUP
/// reloads it; secrets are masked. Exits 1, naming the key, when something does not check out.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and print the effective settings (secrets masked).")

    @Option(name: .customLong("config"), help: ArgumentHelp("The file to check. Default: as serve finds it ($LOOKALIKE_CONFIG, ./lookalike.yaml, /etc/lookalike/lookalike.yaml).", valueName: "file"))
    var config: String?

    @Flag(help: "One JSON object per setting instead of a table.")
    var json = false

    /// One setting, as `--json` prints it.
    struct Row: Encodable {
        let key: String
        let value: String
        let from: String
        let flag: String
        let environment: String
        let reloadable: Bool
    }

    func run() throws {
        let serve = try ServeCommand.parse(config.map { ["--config", $0] } ?? [])
        let resolution: ServeSettings.Resolution
        do {
            resolution = try ServeSettings.resolve(serve, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("lookalike: \(error.description)")
            throw ExitCode(1)
        }
        let keys = Dictionary(ServeSettings.Keys.all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = resolution.rows.map { setting in
            Row(key: setting.key, value: setting.shown, from: setting.origin.rawValue, flag: keys[setting.key]?.flag ?? "",
                environment: keys[setting.key]?.environmentVariable ?? "", reloadable: setting.reloadable)
        }
        if json {
            for row in rows { try JSONOutput.line(row) }
            return
        }
        print(resolution.file.map { "\($0): OK" } ?? "no configuration file (looked for \(ConfigFile.conventionalPaths.joined(separator: ", "))); flags, environment and defaults only")
        let keyWidth = rows.map(\.key.count).max() ?? 0
        let valueWidth = min(48, rows.map(\.value.count).max() ?? 0)
        for row in rows {
            let value = row.value.count > 48 ? String(row.value.prefix(47)) + "…" : row.value
            print(row.key.padding(toLength: keyWidth + 2, withPad: " ", startingAt: 0)
                + value.padding(toLength: valueWidth + 2, withPad: " ", startingAt: 0)
                + row.from.padding(toLength: 13, withPad: " ", startingAt: 0)
                + (row.reloadable ? "reloads on SIGHUP" : "restart"))
        }
    }
}

/// `lookalike config example`: a commented configuration file with every key at its default.
struct ConfigExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Print a configuration file with every key at its default, to start from.")

    func run() throws {
        print(ServeSettings.exampleFile)
    }
}
