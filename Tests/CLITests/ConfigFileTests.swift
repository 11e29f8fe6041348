import Foundation
import TestSupport
import XCTest

/// `serve`'s configuration file: `config check` validates it and prints what is in force (flags, then
/// `LOOKALIKE_*` variables, then the file, then defaults; secrets masked), and SIGHUP reloads it live.
final class ConfigFileTests: TimedTestCase {
    /// One row of `config check --json`.
    struct Row: Decodable {
        let key: String
        let value: String
        let from: String
        let reloadable: Bool
    }

    static func check(_ file: URL, in folder: URL, environment: [String: String] = [:]) throws -> (status: Int32, rows: [String: Row], output: CLIRunner.Output) {
        let output = try CLIRunner.run(["config", "check", "--json", "--config", file.path], in: folder, timeout: 60, environment: environment)
        let rows = try output.stdout.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        return (output.status, Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }), output)
    }

    func testCheckPrintsEachSettingWithItsSourceAndMasksSecrets() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let file = folder.appendingPathComponent("lookalike.yaml")
        try """
            server:
              port: 9123
              shop_name: "Maison Test"
            rate_limit:
              per_second: 5
            cors:
              origins:
                - https://shop.example
                - http://127.0.0.1:3000
            admin:
              key: written-in-the-file
            """.write(to: file, atomically: true, encoding: .utf8)
        let (status, rows, output) = try Self.check(file, in: folder, environment: [
            "LOOKALIKE_RATE_LIMIT_PER_SECOND": "3", "LOOKALIKE_ADMIN_KEY": "from-the-environment",
            "LOOKALIKE_CATALOG_DB": "postgres://shop:hunter2@db.internal/catalog",
        ])
        XCTAssertEqual(status, 0, output.stderr)
        XCTAssertEqual(rows["server.port"]?.value, "9123")
        XCTAssertEqual(rows["server.port"]?.from, "file")
        XCTAssertEqual(rows["server.shop_name"]?.value, "Maison Test")
        XCTAssertEqual(rows["rate_limit.per_second"]?.value, "3.0", "the environment wins over the file")
        XCTAssertEqual(rows["rate_limit.per_second"]?.from, "environment")
        XCTAssertEqual(rows["cors.origins"]?.value, "https://shop.example, http://127.0.0.1:3000")
        XCTAssertEqual(rows["cors.origins"]?.reloadable, true)
        XCTAssertEqual(rows["server.port"]?.reloadable, false)
        XCTAssertEqual(rows["search.index"]?.from, "default")
        XCTAssertEqual(rows["admin.key"]?.from, "environment")
        XCTAssertEqual(rows["catalog.db"]?.value, "postgres://shop:***@db.internal/catalog")
        for secret in ["from-the-environment", "written-in-the-file", "hunter2"] {
            XCTAssertFalse(output.stdout.contains(secret) || output.stderr.contains(secret), "\(secret) is printed")
        }
        XCTAssertEqual(rows.count, 29, "every serve flag has a key")

        // A flag on the command line wins over both (serve's own resolution, seen in its start-up line).
        let table = try CLIRunner.run(["config", "check", "--config", file.path], in: folder, timeout: 60)
        XCTAssertTrue(table.stdout.contains("\(file.path): OK"), table.stdout)
    }

    func testCheckRefusesAMisspeltKeyAWrongValueAndAMissingFileNamingThem() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let cases: [(String, String)] = [
            ("cors:\n  orgins: [https://shop.example]\n", "unknown key cors.orgins (did you mean cors.origins?)"),
            ("server:\n  port: eighty\n", "server.port in"),
            ("server:\n  port: 70000\n", "server.port (--port) must be 0…65535, got 70000"),
            ("search:\n  index: fastest\n", "one of: exact, hnsw, auto"),
            ("cors:\n  origins: [https://shop.example/path]\n", "cors.origins (--cors-origin) takes origins"),
            ("- just\n- a list\n", "must hold sections"),
            ("server: [unclosed\n", "is not valid YAML"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let file = folder.appendingPathComponent("bad\(index).yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["config", "check", "--config", file.path], in: folder, timeout: 60)
            XCTAssertEqual(result.status, 1, "case \(index): \(text)")
            XCTAssertTrue(result.stderr.contains(expected), "case \(index): expected '\(expected)' in: \(result.stderr)")
        }
        let missing = try CLIRunner.run(["config", "check", "--config", folder.appendingPathComponent("none.yaml").path], in: folder, timeout: 60)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
        // serve refuses the same file before loading anything.
        let serve = try CLIRunner.run(["serve", "--config", folder.appendingPathComponent("bad0.yaml").path], in: folder, timeout: 60)
        XCTAssertEqual(serve.status, 1)
        XCTAssertTrue(serve.stderr.contains("cors.orgins"), serve.stderr)
    }

    func testTheExampleFileGivesTheDefaults() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let example = try CLIRunner.run(["config", "example"], in: folder, timeout: 60)
        XCTAssertEqual(example.status, 0)
        let file = folder.appendingPathComponent("example.yaml")
        try example.stdout.write(to: file, atomically: true, encoding: .utf8)
        let empty = folder.appendingPathComponent("empty.yaml")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        let (status, rows, output) = try Self.check(file, in: folder)
        let (_, defaults, _) = try Self.check(empty, in: folder)
        XCTAssertEqual(status, 0, output.stderr)
        XCTAssertEqual(defaults.count, 29, "every serve flag has a key")
        XCTAssertEqual(rows.count, defaults.count)
        for (key, row) in defaults {
            XCTAssertEqual(rows[key]?.value, row.value, "\(key): the example differs from the default")
            XCTAssertEqual(row.from, "default")
        }
        XCTAssertEqual(rows["server.port"]?.from, "file", "the example writes its keys out")
    }

    func testSIGHUPAppliesReloadableSettingsLiveAndNamesTheOthers() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("shop.db").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "30", "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        let file = folder.appendingPathComponent("lookalike.yaml")
        func write(shop: String, origins: [String], port: Int = 0, rate: String = "10") throws {
            try """
                server:
                  port: \(port)
                  shop_name: \(shop)
                catalog:
                  db: \(db)
                rate_limit:
                  per_second: \(rate)
                cors:
                  origins: [\(origins.joined(separator: ", "))]
                """.write(to: file, atomically: true, encoding: .utf8)
        }
        try write(shop: "Before", origins: ["http://a.example"])
        // Found by its conventional name in the working folder.
        let server = try CLIRunner.start(["serve"], in: folder)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let port = try GracefulShutdownTests.port(of: server)
        let base = "http://127.0.0.1:\(port)"
        func preflight(_ origin: String) -> String {
            GracefulShutdownTests.curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "OPTIONS", "-H", "Origin: \(origin)",
                                        "-H", "Access-Control-Request-Method: POST", "\(base)/api/search"])
        }
        func waitForLog(_ text: String, count: Int) {
            let deadline = Date().addingTimeInterval(20)
            while server.outputs.stderr().components(separatedBy: text).count - 1 < count, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        XCTAssertEqual(preflight("http://a.example"), "204")
        XCTAssertEqual(preflight("http://b.example"), "403")
        XCTAssertTrue(GracefulShutdownTests.curl(["-s", base + "/"]).contains("Before"))

        // Reload while searches are in flight: every one is answered.
        let photo = CLIRunner.root.appendingPathComponent("testdata/images/chelsea_upright.jpg").path
        let searches = try (0 ..< 8).map { _ in
            try GracefulShutdownTests.startCurl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60",
                                                 "-F", "image=@\(photo)", "\(base)/api/search?cleanup=none"])
        }
        try write(shop: "After", origins: ["http://a.example", "http://b.example"], port: port + 1)
        kill(server.process.processIdentifier, SIGHUP)
        waitForLog("reloaded", count: 1)
        let codes = searches.map { search in
            search.process.waitUntilExit()
            return String(decoding: search.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        XCTAssertEqual(codes, Array(repeating: "200", count: 8), "no request dropped by the reload")
        let log = server.outputs.stderr()
        XCTAssertTrue(log.contains("now in force: server.shop_name, cors.origins"), log)
        XCTAssertTrue(log.contains("changed but kept until a restart: server.port"), log)
        XCTAssertEqual(preflight("http://b.example"), "204", "the new origin is allowed without a restart")
        XCTAssertTrue(GracefulShutdownTests.curl(["-s", base + "/"]).contains("After"))

        // A file that no longer checks out is refused whole; the server goes on as it was.
        try write(shop: "Broken", origins: ["http://a.example"], rate: "fast")
        kill(server.process.processIdentifier, SIGHUP)
        waitForLog("reload refused", count: 1)
        XCTAssertTrue(server.outputs.stderr().contains("reload refused, the running settings stay: rate_limit.per_second"), server.outputs.stderr())
        XCTAssertEqual(preflight("http://b.example"), "204")
        XCTAssertTrue(server.process.isRunning)
        XCTAssertEqual(GracefulShutdownTests.curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/healthz"]), "200")
    }
}
