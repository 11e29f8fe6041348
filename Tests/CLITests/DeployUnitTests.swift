import Foundation
import TestSupport
import XCTest

/// The example systemd unit in deploy/ is valid, hardened, and starts a command the binary accepts.
final class DeployUnitTests: TimedTestCase {
    func testTheUnitVerifiesAndIsHardened() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            throw XCTSkip("systemd-analyze is not installed")
        }
        let folder = try CLIRunner.temporaryFolder(self)
        // The unit as installed at /opt/lookalike, pointed at this checkout and the binary under test.
        var unit = try String(contentsOf: CLIRunner.root.appendingPathComponent("deploy/lookalike.service"), encoding: .utf8)
        unit = unit.replacingOccurrences(of: "/opt/lookalike/.build/release/lookalike", with: CLIRunner.binary.path)
            .replacingOccurrences(of: "/opt/lookalike", with: CLIRunner.root.path)
        let file = folder.appendingPathComponent("lookalike.service")
        try unit.write(to: file, atomically: true, encoding: .utf8)

        let verify = try Self.run("/usr/bin/systemd-analyze", ["verify", file.path])
        XCTAssertEqual(verify.status, 0, verify.output)
        // Exposure at most 2.0 of 10 ("OK"); the threshold is in tenths.
        let security = try Self.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--threshold=20", file.path])
        XCTAssertEqual(security.status, 0, security.output)
        for option in ["DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "KillSignal=SIGTERM"] {
            XCTAssertTrue(unit.contains(option), option)
        }

        XCTAssertTrue(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"), "systemctl reload sends SIGHUP")

        // The ExecStart arguments are ones `serve` accepts, with the settings file of deploy/ (its catalog
        // pointed into this test's folder): with no catalog yet it stops at the catalog check.
        var settings = try String(contentsOf: CLIRunner.root.appendingPathComponent("deploy/lookalike.yaml"), encoding: .utf8)
        settings = settings.replacingOccurrences(of: "/var/lib/lookalike/lookalike.db", with: folder.appendingPathComponent("absent.db").path)
        let settingsFile = folder.appendingPathComponent("lookalike.yaml")
        try settings.write(to: settingsFile, atomically: true, encoding: .utf8)
        let check = try CLIRunner.run(["config", "check", "--config", settingsFile.path], in: folder, timeout: 60)
        XCTAssertEqual(check.status, 0, check.stderr)
        let exec = try XCTUnwrap(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var arguments = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init).dropFirst()
        if let config = arguments.firstIndex(of: "--config") { arguments[config + 1] = settingsFile.path }
        let serve = try CLIRunner.run(Array(arguments), in: folder, timeout: 60)
        XCTAssertNotEqual(serve.status, 0)
        XCTAssertTrue(serve.stderr.contains("there is no catalog"), serve.stderr)
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
