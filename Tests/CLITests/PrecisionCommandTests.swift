import Foundation
import TestSupport
import XCTest

/// `--precision int8|auto` on the commands that run the model: vectors of either precision search one
/// catalog, a missing int8 model is a clear error on every command, and auto says what it measured once.
final class PrecisionCommandTests: TimedTestCase {
    private var chelsea: String { CLIRunner.root.appendingPathComponent("testdata/photos/chelsea.png").path }

    private func vector(_ output: CLIRunner.Output) throws -> [Double] {
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        return try XCTUnwrap(object?["vector"] as? [Double], output.stderr)
    }

    func testInt8QueriesSearchAnF32CatalogAndTheOtherWayRound() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("f32.db").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "200", "--db", db, "--precision", "f32"], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stderr.contains("(f32,"), index.stderr)
        let png = folder.appendingPathComponent("f32-images/test-7.png").path
        let search = try CLIRunner.run(["search", png, "--db", db, "--k", "3", "--json", "--precision", "int8"], in: folder)
        XCTAssertEqual(search.status, 0, search.stderr)
        let results = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
        XCTAssertEqual(results.first?["id"] as? String, "test-7", "an int8 query finds the item in an f32 catalog")
        XCTAssertGreaterThan(results.first?["score"] as? Double ?? 0, 0.99)

        // An int8 import adds to the same catalog (same model key), which f32 queries then search.
        let more = try CLIRunner.run(["index", "fashion-mnist:train", "--limit", "50", "--db", db, "--precision", "int8"], in: folder)
        XCTAssertEqual(more.status, 0, more.stderr)
        let stats = try CLIRunner.run(["stats", "--db", db], in: folder)
        XCTAssertTrue(stats.stdout.contains("products  250"), stats.stdout)
        let train = folder.appendingPathComponent("f32-images/train-3.png").path
        let back = try CLIRunner.run(["search", train, "--db", db, "--k", "1", "--json", "--precision", "f32"], in: folder)
        let top = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(back.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
        XCTAssertEqual(top.first?["id"] as? String, "train-3", back.stderr)

        let f32 = try vector(CLIRunner.run(["embed", "--json", "--precision", "f32", chelsea], in: folder))
        let int8 = try vector(CLIRunner.run(["embed", "--json", "--precision", "int8", chelsea], in: folder))
        XCTAssertEqual(f32.count, int8.count)
        let dot = zip(f32, int8).map(*).reduce(0, +)
        XCTAssertGreaterThanOrEqual(dot, 0.99, "cosine of unit vectors")
    }

    func testEveryModelCommandSaysHowToMakeAMissingInt8Model() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let model = folder.appendingPathComponent("tiny")
        try FileManager.default.copyItem(at: CLIRunner.root.appendingPathComponent("testdata/models/tiny-bgr"), to: model)
        let db = folder.appendingPathComponent("c.db").path
        let int8 = ["--model", model.path, "--precision", "int8"]
        let commands: [[String]] = [
            ["embed", chelsea] + int8,
            ["index", CLIRunner.root.appendingPathComponent("testdata/photos").path, "--db", db] + int8,
            ["search", chelsea, "--db", db] + int8,
            ["serve", "--db", db, "--create", "--port", "0"] + int8,
            ["bench", "embed", "--model", model.path, "--precisions", "int8", "--seconds", "0.1"],
        ]
        for arguments in commands {
            let run = try CLIRunner.run(arguments, in: folder, timeout: 120)
            XCTAssertNotEqual(run.status, 0, "\(arguments[0]): \(run.stdout)")
            XCTAssertTrue(run.stderr.contains("\(model.path)/model-int8.xml"), "\(arguments[0]): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("run scripts/setup.sh"), "\(arguments[0]): \(run.stderr)")
        }
    }

    func testAutoMeasuresOnceSaysWhatItChoseAndTheBenchmarkNamesTheCPU() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let cache = folder.appendingPathComponent("cache")
        let environment = ["LOOKALIKE_CACHE_DIR": cache.path]
        let first = try CLIRunner.run(["embed", "--json", chelsea], in: folder, environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("precision auto:"), first.stderr)
        XCTAssertTrue(first.stderr.contains("remembered in \(cache.path)/precision/"), first.stderr)
        let second = try CLIRunner.run(["embed", "--json", chelsea], in: folder, environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(second.stderr.contains("precision auto:"), "the stored choice is reused silently: \(second.stderr)")
        XCTAssertEqual(try vector(first), try vector(second))

        let bench = try CLIRunner.run(["bench", "embed", "--precisions", "f32,auto", "--batches", "1", "--layers", "final",
                                       "--seconds", "0.2", "--json"], in: folder, environment: environment)
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let rows = try bench.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(rows.map { $0["requested_precision"] as? String }, ["f32", "auto"])
        XCTAssertNotEqual(rows.last?["precision"] as? String, "auto", "the row names the precision auto chose")
        XCTAssertTrue(rows.allSatisfy { ($0["cpu_features"] as? [String]) != nil && ($0["cpu"] as? String) != nil }, bench.stdout)
        let text = try CLIRunner.run(["bench", "embed", "--precisions", "f32", "--batches", "1", "--seconds", "0.1"], in: folder)
        XCTAssertTrue(text.stdout.hasPrefix("# CPU: "), text.stdout)
    }
}
