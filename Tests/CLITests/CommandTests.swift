import Foundation
import TestSupport
import XCTest

/// The commands and their JSON output, as other tools use them.
final class CommandTests: TimedTestCase {
    func testIndexSearchSimilarStatsRemoveRoundTrip() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("cli.db").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "300", "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stdout.contains("300 indexed"), index.stdout)
        let png = folder.appendingPathComponent("cli-images/test-0.png").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: png))

        // The item itself is its own best match; --json has the contract's fields.
        let search = try CLIRunner.run(["search", png, "--db", db, "--k", "5", "--json"], in: folder)
        XCTAssertEqual(search.status, 0, search.stderr)
        let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(line["query"] as? String, png)
        let results = try XCTUnwrap(line["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 5)
        XCTAssertEqual(results.first?["id"] as? String, "test-0")
        XCTAssertGreaterThan(results.first?["score"] as? Double ?? 0, 0.99)

        let filtered = try CLIRunner.run(["search", png, "--db", db, "--k", "10", "--json", "--where", "articleType=Trouser"], in: folder)
        let filteredResults = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(filtered.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
        XCTAssertFalse(filteredResults.isEmpty)
        XCTAssertTrue(filteredResults.allSatisfy { ($0["attributes"] as? [String: String])?["articleType"] == "Trouser" })

        let similar = try CLIRunner.run(["similar", "test-0", "--db", db, "--json"], in: folder)
        XCTAssertEqual(similar.status, 0, similar.stderr)
        XCTAssertFalse(similar.stdout.contains("\"id\":\"test-0\""), "the product itself is excluded")

        let stats = try CLIRunner.run(["stats", "--db", db], in: folder)
        XCTAssertTrue(stats.stdout.contains("products  300"), stats.stdout)
        let remove = try CLIRunner.run(["remove", "test-0", "nope", "--db", db], in: folder)
        XCTAssertTrue(remove.stdout.contains("removed 1 of 2"), remove.stdout)
        XCTAssertTrue(remove.stderr.contains("nope"))
        let missing = try CLIRunner.run(["similar", "test-0", "--db", db], in: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("no product with id 'test-0'"), missing.stderr)
    }

    func testBadInputGetsClearErrors() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("e.db").path
        let empty = try CLIRunner.run(["search", CLIRunner.root.appendingPathComponent("testdata/photos/chelsea.png").path, "--db", db], in: folder)
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("lookalike index"), empty.stderr)
        let badSource = try CLIRunner.run(["index", "/nonexistent/catalog", "--db", db], in: folder)
        XCTAssertNotEqual(badSource.status, 0)
        XCTAssertTrue(badSource.stderr.contains("/nonexistent/catalog"), badSource.stderr)
        let badFilter = try CLIRunner.run(["search", "x.jpg", "--where", "oops", "--db", db], in: folder)
        XCTAssertNotEqual(badFilter.status, 0)
        XCTAssertTrue(badFilter.stderr.contains("KEY=VALUE"), badFilter.stderr)
        let notImage = try CLIRunner.run(["embed", CLIRunner.root.appendingPathComponent("testdata/images/not_an_image.jpg").path], in: folder)
        XCTAssertEqual(notImage.status, 1)
        XCTAssertTrue(notImage.stderr.contains("is not an image"), notImage.stderr)
    }

    func testServeRefusesAMissingCatalogUnlessAskedToCreateIt() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let typo = folder.appendingPathComponent("typo.db").path
        let refused = try CLIRunner.run(["serve", "--db", typo, "--port", "0"], in: folder)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("there is no catalog at \(typo)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("lookalike index <source> --db \(typo)"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: typo), "nothing is created")
        let stats = try CLIRunner.run(["stats", "--db", typo], in: folder)
        XCTAssertNotEqual(stats.status, 0)
        XCTAssertTrue(stats.stderr.contains("there is no catalog"), stats.stderr)
    }

    func testEmbedAndClassifyJSONContracts() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let chelsea = CLIRunner.root.appendingPathComponent("testdata/photos/chelsea.png").path
        let embed = try CLIRunner.run(["embed", "--json", chelsea], in: folder)
        let vector = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(embed.stdout.utf8)) as? [String: Any])?["vector"] as? [Double])
        XCTAssertEqual(vector.count, 2736)
        let head = try CLIRunner.run(["embed", "--json", "--layers", "final", chelsea], in: folder)
        let headVector = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(head.stdout.utf8)) as? [String: Any])?["vector"] as? [Double])
        XCTAssertEqual(headVector.count, 1280)
        let unknown = try CLIRunner.run(["embed", "--layers", "stage9", chelsea], in: folder)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no feature layer 'stage9'"), unknown.stderr)
        // bench embed compares layer selections side by side, timing the model up to pooled vectors.
        let bench = try CLIRunner.run(["bench", "embed", "--precisions", "f32", "--batches", "2", "--layers", "final", "--layers", "all",
                                       "--seconds", "0.2", "--json"], in: folder)
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let lines = try bench.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(lines.map { $0["layers"] as? String }, ["final", "stage5,stage6,stage7_expand"])
        XCTAssertEqual(lines.map { $0["dimension"] as? Int }, [1280, 2736])
        XCTAssertTrue(lines.allSatisfy { ($0["images_per_s"] as? Double ?? 0) > 0 }, bench.stdout)

        let classify = try CLIRunner.run(["classify", "--json", chelsea], in: folder)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(classify.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["file"] as? String, chelsea)
        let top = try XCTUnwrap(object["top"] as? [[String: Any]])
        XCTAssertEqual(top.count, 5)
        XCTAssertEqual(top.first?["class"] as? Int, 285)
        XCTAssertEqual(top.first?["label"] as? String, "Egyptian cat")
    }
}
