import Foundation
import Synchronization
import XCTest

/// Runs the built `lookalike` binary (it sits beside the test bundle) as a user would.
struct CLIRunner {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the running test executable.
    static var binary: URL {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("lookalike")
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs to completion (bounded by `timeout` seconds).
    static func run(_ arguments: [String], in folder: URL, timeout: TimeInterval = 600,
                    environment: [String: String] = [:]) throws -> Output {
        let process = try start(arguments, in: folder, environment: environment)
        let deadline = Date().addingTimeInterval(timeout)
        let out = process.outputs
        while process.process.isRunning {
            if Date() > deadline { process.process.terminate(); XCTFail("lookalike \(arguments) timed out"); break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.process.waitUntilExit()
        // The output's last bytes may still be in the pipes: read until both have ended.
        let drained = Date().addingTimeInterval(10)
        while !out.ended(), Date() < drained { Thread.sleep(forTimeInterval: 0.01) }
        return Output(status: process.process.terminationStatus, stdout: out.stdout(), stderr: out.stderr())
    }

    /// A started process whose output is collected in the background.
    struct Running {
        let process: Process
        let outputs: Collected
    }

    /// Collects a process's output without blocking it.
    final class Collected: Sendable {
        private let streams = Mutex((out: Data(), err: Data(), ends: 0))
        /// Adds what a stream gave; empty data is the stream's end.
        func append(_ data: Data, error: Bool) {
            streams.withLock {
                if data.isEmpty { $0.ends += 1 } else if error { $0.err += data } else { $0.out += data }
            }
        }
        /// Whether both streams have ended.
        func ended() -> Bool { streams.withLock { $0.ends >= 2 } }
        func stdout() -> String { streams.withLock { String(decoding: $0.out, as: UTF8.self) } }
        func stderr() -> String { streams.withLock { String(decoding: $0.err, as: UTF8.self) } }
    }

    /// Where `--precision auto` keeps its choices for the commands of this test process (not the user's cache).
    static let precisionCache = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-cli-cache-\(getpid())")

    /// Starts the binary in `folder`; `environment` adds to (or replaces in) the test's own, whose
    /// `LOOKALIKE_*` variables other than the models folder are left out, so a developer's settings never
    /// change what a test sees.
    static func start(_ arguments: [String], in folder: URL, environment extra: [String: String] = [:]) throws -> Running {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("lookalike binary not built at \(binary.path)") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LOOKALIKE_") }
        environment["LOOKALIKE_MODELS"] = root.appendingPathComponent("models").path
        environment["LOOKALIKE_CACHE_DIR"] = precisionCache.path
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let collected = Collected()
        let out = Pipe(), err = Pipe()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            collected.append(data, error: false)
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            collected.append(data, error: true)
        }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, outputs: collected)
    }

    /// Runs `sqlite3` on a database file (an independent reader of what the product wrote).
    static func sqlite(_ db: URL, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [db.path, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }
}
