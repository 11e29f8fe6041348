import Foundation
import TestSupport
import XCTest

/// `kill -TERM` on a busy `serve`: it stops accepting, answers every request it accepted, and exits 0.
final class GracefulShutdownTests: TimedTestCase {
    func testSIGTERMDuringSixteenSearchesAnswersThemAllAndExitsZero() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("shop.db").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "100", "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)

        let server = try CLIRunner.start(["serve", "--db", db, "--port", "0"], in: folder)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let port = try Self.port(of: server)
        let photo = CLIRunner.root.appendingPathComponent("testdata/images/chelsea_upright.jpg").path

        // 16 searches at once (16 curl processes, one connection each); the stop request comes while
        // they are in flight, once all 16 are connected (and a moment later, accepted by the server).
        let searches = try (0 ..< 16).map { _ in
            try Self.startCurl(["-s", "-o", "/dev/null", "-w", "%{http_code} %{exitcode}", "--max-time", "60",
                                "-F", "image=@\(photo)", "http://127.0.0.1:\(port)/api/search?cleanup=none"])
        }
        let connected = Date().addingTimeInterval(30)
        while Self.establishedConnections(toPort: port) < 16 && Date() < connected { Thread.sleep(forTimeInterval: 0.005) }
        XCTAssertGreaterThanOrEqual(Self.establishedConnections(toPort: port), 16, "the 16 searches never were in flight together")
        Thread.sleep(forTimeInterval: 0.1)
        let answeredBeforeStop = searches.filter { !$0.process.isRunning }.count
        kill(server.process.processIdentifier, SIGTERM)
        let codes = searches.map { search in
            search.process.waitUntilExit()
            return String(decoding: search.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        server.process.waitUntilExit()

        XCTAssertLessThan(answeredBeforeStop, 16, "the stop came while searches were in flight")
        XCTAssertEqual(codes, Array(repeating: "200 0", count: 16), "every accepted search is answered")
        XCTAssertEqual(server.process.terminationStatus, 0, server.outputs.stderr())
        // Stopped accepting: a new connection is refused.
        XCTAssertEqual(Self.curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/healthz"]), "000")
    }

    /// The port `serve` prints once it listens.
    static func port(of server: CLIRunner.Running) throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let out = server.outputs.stdout()
            if let range = out.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                let text = out[range].dropFirst("127.0.0.1:".count).dropLast()
                if let port = Int(text) { return port }
            }
            guard server.process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw XCTSkip("serve did not start: \(server.outputs.stderr())")
    }

    /// Server-side TCP connections in state ESTABLISHED on `port`, from /proc/net/tcp and tcp6.
    static func establishedConnections(toPort port: Int) -> Int {
        let digits = String(port, radix: 16, uppercase: true)
        let hexPort = ":" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        var count = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: /proc files report a size of 0, which a whole-file read would trust.
            guard let handle = FileHandle(forReadingAtPath: table) else { continue }
            let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
            try? handle.close()
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count > 3, fields[1].hasSuffix(hexPort), fields[3] == "01" { count += 1 }
            }
        }
        return count
    }

    /// A started curl (without any proxy) whose standard output is `output`.
    static func startCurl(_ arguments: [String]) throws -> (process: Process, output: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--noproxy", "*"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        return (process, pipe)
    }

    /// curl's output (without any proxy).
    static func curl(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--noproxy", "*"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return "curl failed: \(error)" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
