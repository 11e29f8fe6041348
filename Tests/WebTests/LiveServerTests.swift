import Foundation
import Logging
import Service
import ServiceLifecycle
import Web
import TestSupport
import XCTest

/// The real HTTP server on a loopback port, driven by curl: what the in-memory router tests cannot
/// see (100-continue, chunked uploads past the cap, keep-alive after a refusal).
final class LiveServerTests: TimedTestCase {
    /// Runs the server for `body`, which gets its base URL, and stops it gracefully afterwards.
    func withServer(_ configure: (inout WebOptions) -> Void = { _ in }, logger: Logger? = nil,
                    _ body: (String) async throws -> Void) async throws {
        guard FileManager.default.isExecutableFile(atPath: LiveServer.curlPath) else { throw XCTSkip("curl is not installed") }
        try await LiveServer.run(configure, logger: logger) { port in try await body("http://127.0.0.1:\(port)") }
    }

    /// Runs curl; returns (HTTP status, seconds, body).
    func curl(_ arguments: [String]) throws -> (status: Int, seconds: Double, body: String) {
        try LiveServer.curl(arguments)
    }

    func testExpectContinueIsAnsweredAtOnce() async throws {
        let folder = try WebFixtures.temporaryFolder(self)
        // A valid PNG padded past curl's 1 MB threshold for sending `Expect: 100-continue`.
        var padded = try WebFixtures.data("chelsea.png")
        padded += Data(count: 1_500_000)
        let file = folder.appendingPathComponent("big.png")
        try padded.write(to: file)
        try await withServer { site in
            // Without an interim answer curl would wait the full --expect100-timeout (20 s) before uploading.
            let (status, seconds, body) = try curl(["--expect100-timeout", "20", "-H", "Expect: 100-continue",
                                                    "-F", "image=@\(file.path)", "\(site)/api/search"])
            XCTAssertEqual(status, 200, body)
            XCTAssertLessThan(seconds, 15, "curl waited for a 100 Continue that never came")
        }
    }

    func testChunkedUploadsAreCappedWhileStreaming() async throws {
        let folder = try WebFixtures.temporaryFolder(self)
        let file = folder.appendingPathComponent("huge.jpg")
        try Data(count: 3_000_000).write(to: file)
        try await withServer({ $0.maxUploadBytes = 1_000_000 }) { site in
            // No Content-Length: the cap can only be enforced while reading.
            let chunked = try curl(["-H", "Transfer-Encoding: chunked", "-H", "Content-Type: image/jpeg", "--data-binary", "@\(file.path)", "\(site)/api/search"])
            XCTAssertEqual(chunked.status, 413, chunked.body)
            XCTAssertTrue(chunked.body.contains("\"too_large\""), chunked.body)
            // Declared too large: refused before the body is sent.
            let declared = try curl(["-H", "Content-Type: image/jpeg", "--data-binary", "@\(file.path)", "\(site)/api/search"])
            XCTAssertEqual(declared.status, 413, declared.body)
            // The server is still fine afterwards.
            let health = try curl(["\(site)/healthz"])
            XCTAssertEqual(health.status, 200)
        }
    }

    func testKeepAliveAfterARefusal() async throws {
        try await withServer { site in
            // Two requests on one connection: a refused upload, then a normal one.
            let output = try curl(["-H", "Content-Type: application/json", "--data", "{}", "\(site)/api/search",
                                   "--next", "-s", "-w", "\n%{http_code} %{num_connects}", "\(site)/healthz"])
            XCTAssertTrue(output.body.contains("unsupported_media_type"), output.body)
            XCTAssertEqual(output.status, 200, output.body)
            XCTAssertEqual(output.seconds, 0, "the second request reuses the connection (no new connect): \(output.body)")
        }
    }

    func testVeryLongURLGetsAJSONAnswer() async throws {
        try await withServer { site in
            let long = try curl(["\(site)/api/products/test-1/similar?filter=" + String(repeating: "a", count: 100_000)])
            XCTAssertEqual(long.status, 400, long.body)
            XCTAssertTrue(long.body.contains(#""code":"request_head_too_large""#), "a JSON error, not an empty body: \(long.body)")
            XCTAssertEqual(try curl(["\(site)/healthz"]).status, 200)
        }
    }

    func testAbortedUploadIsTheClientsNotAServerFailure() async throws {
        let folder = try WebFixtures.temporaryFolder(self)
        let file = folder.appendingPathComponent("slow.jpg")
        try Data(count: 400_000).write(to: file)
        let log = LogCapture()
        try await withServer(logger: log.logger) { site in
            // curl gives up after 1 s at 20 kB/s and closes the connection mid-body: once raw, once as a form.
            let limited = ["--limit-rate", "20k", "--max-time", "1"]
            _ = try curl(limited + ["-H", "Content-Type: image/jpeg", "--data-binary", "@\(file.path)", "\(site)/api/search"])
            _ = try curl(limited + ["-F", "image=@\(file.path)", "\(site)/api/search"])
            let prefix = #"lookalike_http_requests_total{method="POST",route="/api/search",status=""#
            var metrics = ""
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                metrics = try curl(["\(site)/metrics"]).body
                let answered = metrics.split(separator: "\n").filter { $0.hasPrefix(prefix) }
                    .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
                if answered >= 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            XCTAssertTrue(metrics.contains(prefix + #"400"} 2"#), metrics)
            XCTAssertFalse(metrics.contains(prefix + "500"), metrics)
            XCTAssertTrue(metrics.contains(#"lookalike_rejected_requests_total{code="upload_aborted"} 2"#), metrics)
        }
        XCTAssertEqual(log.all.filter { $0.level >= .error }.map(\.description), [])
        XCTAssertTrue(log.all.contains { $0.message.contains("upload_aborted") }, "the refusal is logged (at debug): \(log.all)")
    }
}
