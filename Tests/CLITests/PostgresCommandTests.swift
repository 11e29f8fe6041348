import Foundation
import TestSupport
import XCTest

/// The same commands on a PostgreSQL catalog (`--db postgres://…`), replica reads, and `lookalike migrate`
/// both ways. Needs LOOKALIKE_TEST_POSTGRES_URL and LOOKALIKE_TEST_POSTGRES_REPLICA_URL (set by `make test`).
final class PostgresCommandTests: TimedTestCase {
    /// (primary, replica) URLs with the catalog in a fresh schema.
    private func urls() throws -> (String, String) {
        let environment = ProcessInfo.processInfo.environment
        guard let primary = environment["LOOKALIKE_TEST_POSTGRES_URL"], !primary.isEmpty,
              let replica = environment["LOOKALIKE_TEST_POSTGRES_REPLICA_URL"], !replica.isEmpty else {
            if environment["LOOKALIKE_REQUIRE_POSTGRES"] == "1" || environment["CI"] == "true" {
                XCTFail("LOOKALIKE_TEST_POSTGRES_URL / _REPLICA_URL are not set but a PostgreSQL server is required (run `make test`)")
            }
            throw XCTSkip("LOOKALIKE_TEST_POSTGRES_URL not set: run `make test` for the PostgreSQL tests")
        }
        let schema = "cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        func isolated(_ url: String) -> String { url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable" }
        return (isolated(primary), isolated(replica))
    }

    func testCommandsWorkOnPostgreSQLAndReadsCanGoToTheReplica() throws {
        let (db, replica) = try urls()
        let folder = try CLIRunner.temporaryFolder(self)
        let images = folder.appendingPathComponent("images").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "300", "--db", db, "--images", images], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stdout.contains("300 indexed"), index.stdout)
        XCTAssertFalse(index.stderr.contains("lookalike-test"), "the password is never printed: \(index.stderr)")
        let png = folder.appendingPathComponent("images/test-0.png").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: png))

        let search = try CLIRunner.run(["search", png, "--db", db, "--read-db", replica, "--k", "5", "--json"], in: folder)
        XCTAssertEqual(search.status, 0, search.stderr)
        let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        let results = try XCTUnwrap(line["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 5)
        XCTAssertEqual(results.first?["id"] as? String, "test-0")
        XCTAssertGreaterThan(results.first?["score"] as? Double ?? 0, 0.99)

        let filtered = try CLIRunner.run(["search", png, "--db", db, "--k", "10", "--json", "--where", "articleType=Trouser"], in: folder)
        let filteredResults = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(filtered.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
        XCTAssertEqual(filteredResults.count, 10)
        XCTAssertTrue(filteredResults.allSatisfy { ($0["attributes"] as? [String: String])?["articleType"] == "Trouser" })

        let similar = try CLIRunner.run(["similar", "test-0", "--db", db, "--read-db", replica, "--json"], in: folder)
        XCTAssertEqual(similar.status, 0, similar.stderr)
        XCTAssertFalse(similar.stdout.contains("\"id\":\"test-0\""), "the product itself is excluded")

        let stats = try CLIRunner.run(["stats", "--db", db], in: folder)
        XCTAssertTrue(stats.stdout.contains("products  300"), stats.stdout)
        XCTAssertFalse(stats.stdout.contains("lookalike-test"), stats.stdout)
        let remove = try CLIRunner.run(["remove", "test-0", "nope", "--db", db], in: folder)
        XCTAssertTrue(remove.stdout.contains("removed 1 of 2"), remove.stdout)
        let missing = try CLIRunner.run(["similar", "test-0", "--db", db], in: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("no product with id 'test-0'"), missing.stderr)
        let sqliteReplica = try CLIRunner.run(["search", png, "--db", folder.appendingPathComponent("x.db").path, "--read-db", replica], in: folder)
        XCTAssertNotEqual(sqliteReplica.status, 0)
        XCTAssertTrue(sqliteReplica.stderr.contains("needs a postgres://"), sqliteReplica.stderr)
    }

    func testMigrateCopiesACatalogBothWaysAndIsIdempotent() throws {
        let (db, _) = try urls()
        let folder = try CLIRunner.temporaryFolder(self)
        let sqlite = folder.appendingPathComponent("source.db").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "120", "--db", sqlite], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        for _ in 0 ..< 2 {  // the second run updates in place
            let migrate = try CLIRunner.run(["migrate", "--from", sqlite, "--to", db, "--batch", "50"], in: folder)
            XCTAssertEqual(migrate.status, 0, migrate.stderr)
            XCTAssertTrue(migrate.stdout.contains("copied 120 products (120 vectors"), migrate.stdout)
            XCTAssertTrue(migrate.stdout.contains("now holds 120 products"), migrate.stdout)
        }
        let back = folder.appendingPathComponent("back.db").path
        let migrateBack = try CLIRunner.run(["migrate", "--from", db, "--to", back], in: folder)
        XCTAssertEqual(migrateBack.status, 0, migrateBack.stderr)
        XCTAssertEqual(try CLIRunner.sqlite(URL(fileURLWithPath: back), "SELECT COUNT(*) FROM vectors").trimmingCharacters(in: .whitespacesAndNewlines), "120")
        XCTAssertEqual(try CLIRunner.sqlite(URL(fileURLWithPath: back), "SELECT COUNT(*) FROM product_attributes").trimmingCharacters(in: .whitespacesAndNewlines),
                       try CLIRunner.sqlite(URL(fileURLWithPath: sqlite), "SELECT COUNT(*) FROM product_attributes").trimmingCharacters(in: .whitespacesAndNewlines))
        // Search answers the same on the copy as on the original.
        let png = folder.appendingPathComponent("source-images/test-3.png").path
        let original = try CLIRunner.run(["search", png, "--db", sqlite, "--k", "3", "--json"], in: folder)
        let copy = try CLIRunner.run(["search", png, "--db", db, "--k", "3", "--json"], in: folder)
        func ids(_ output: CLIRunner.Output) -> [String] {
            let line = (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) as? [String: Any]
            return ((line?["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        }
        XCTAssertEqual(ids(copy), ids(original), copy.stderr)
        XCTAssertEqual(ids(copy).first, "test-3")
    }

    func testBenchFillThenBenchDatabaseSearchWithAFilter() throws {
        let (db, _) = try urls()
        let folder = try CLIRunner.temporaryFolder(self)
        let fill = try CLIRunner.run(["bench", "fill", "--db", db, "--count", "400", "--dim", "16", "--batch", "150"], in: folder)
        XCTAssertEqual(fill.status, 0, fill.stderr)
        XCTAssertTrue(fill.stdout.contains("wrote 400 products × 16"), fill.stdout)
        let stats = try CLIRunner.run(["stats", "--db", db], in: folder)
        XCTAssertTrue(stats.stdout.contains("products  400"), stats.stdout)
        // group=g<cluster mod 10> keeps about a tenth: a narrow filter, searched exactly, so recall is 1.
        let bench = try CLIRunner.run(["bench", "db", "--db", db, "--queries", "20", "--where", "group=g3"], in: folder)
        XCTAssertEqual(bench.status, 0, bench.stderr)
        XCTAssertTrue(bench.stdout.contains("20 queries, k=10"), bench.stdout)
        XCTAssertTrue(bench.stdout.contains("recall@10 1.0000"), bench.stdout)
        XCTAssertFalse(bench.stdout.contains("searched on"), "no replica named when there is none: \(bench.stdout)")
        let again = try CLIRunner.run(["bench", "fill", "--db", db, "--count", "400", "--dim", "16"], in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        let restats = try CLIRunner.run(["stats", "--db", db], in: folder)
        XCTAssertTrue(restats.stdout.contains("products  400"), "a second fill rewrites the same ids: \(restats.stdout)")
    }
}
