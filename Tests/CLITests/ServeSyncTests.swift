import Foundation
import TestSupport
import XCTest

/// `serve --sync FEED --every 10s`: the catalog follows the feed in the background, with no restart and
/// no failed query meanwhile, and `/metrics` shows the last sync.
final class ServeSyncTests: TimedTestCase {
    func testTheServedCatalogFollowsTheFeedWhileQueriesGoOn() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for name in ["chelsea.png", "coffee.png", "rocket.jpg"] {
            try FileManager.default.copyItem(at: CLIRunner.root.appendingPathComponent("testdata/photos/\(name)"),
                                             to: images.appendingPathComponent(name))
        }
        let feed = folder.appendingPathComponent("feed.tsv")
        func writeFeed(_ items: [(String, String)]) throws {
            let rows = items.map { "\($0.0)\tProduct \($0.0)\timages/\($0.1)\tLina" }
            try Data((["id\ttitle\timage_link\tbrand"] + rows).joined(separator: "\n").utf8).write(to: feed, options: .atomic)
        }
        try writeFeed([("CAT", "chelsea.png"), ("MUG", "coffee.png")])
        let db = folder.appendingPathComponent("shop.db").path
        let server = try CLIRunner.start(["serve", "--db", db, "--create", "--port", "0", "--sync", feed.path, "--every", "10s"], in: folder)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let port = try GracefulShutdownTests.port(of: server)
        let base = "http://127.0.0.1:\(port)"
        func status(_ path: String) -> String {
            GracefulShutdownTests.curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", base + path])
        }
        func waitForLog(_ text: String, seconds: Double = 60) {
            let deadline = Date().addingTimeInterval(seconds)
            while !server.outputs.stderr().contains(text), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        }

        waitForLog("synced \(feed.path)")
        XCTAssertTrue(server.outputs.stderr().contains("2 indexed, 0 unchanged, 0 failed, 0 removed"), server.outputs.stderr())
        XCTAssertEqual(status("/api/products/CAT"), "200")
        let metrics = GracefulShutdownTests.curl(["-s", base + "/metrics"])
        XCTAssertTrue(metrics.contains("lookalike_sync_runs_total 1"), metrics)
        XCTAssertTrue(metrics.contains("lookalike_sync_last_products{outcome=\"indexed\"} 2"), metrics)
        XCTAssertTrue(metrics.contains("lookalike_sync_last_success 1"), metrics)

        // The feed changes: MUG goes, ROCKET comes. Searches run all along.
        try writeFeed([("CAT", "chelsea.png"), ("ROCKET", "rocket.jpg")])
        let photo = images.appendingPathComponent("chelsea.png").path
        var codes: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while !server.outputs.stderr().contains("1 indexed, 1 unchanged, 0 failed, 1 removed"), Date() < deadline {
            codes.append(GracefulShutdownTests.curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-F", "image=@\(photo)",
                                                     base + "/api/search?cleanup=none"]))
        }
        XCTAssertTrue(server.outputs.stderr().contains("1 indexed, 1 unchanged, 0 failed, 1 removed"), server.outputs.stderr())
        XCTAssertFalse(codes.isEmpty)
        XCTAssertEqual(Set(codes), ["200"], "no failed query during the sync: \(codes)")
        XCTAssertEqual(status("/api/products/MUG"), "404")
        XCTAssertEqual(status("/api/products/ROCKET"), "200")
        XCTAssertTrue(GracefulShutdownTests.curl(["-s", base + "/metrics"]).contains("lookalike_sync_last_products{outcome=\"removed\"} 1"))
        XCTAssertTrue(server.process.isRunning)
    }
}
