import Foundation
import TestSupport
import XCTest

/// `tune`, `eval --space/--qe` and `eval --shopper`: retrieval quality as a user measures it.
final class QualityCommandTests: TimedTestCase {
    /// 20 minutes: a test indexes 400 images, tunes and evaluates in several CLI runs, each of which
    /// `CLIRunner.run` allows 600 s.
    override class var timeLimit: TimeInterval { 1200 }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testTuneThenEvalAndSimilarUseTheTunedSpace() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("tune.db").path
        let index = try CLIRunner.run(["index", "fashion-mnist:test", "--limit", "400", "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)

        let untuned = try CLIRunner.run(["eval", "--db", db, "--space", "tuned"], in: folder)
        XCTAssertNotEqual(untuned.status, 0)
        XCTAssertTrue(untuned.stderr.contains("lookalike tune"), untuned.stderr)

        let tune = try CLIRunner.run(["tune", "--db", db, "--label", "articleType", "--dimensions", "64", "--json"], in: folder)
        XCTAssertEqual(tune.status, 0, tune.stderr)
        let report = try json(tune.stdout)
        XCTAssertEqual(report["fitted"] as? Int, 400 - (report["heldOut"] as? Int ?? -1))
        let heldOutTuned = try XCTUnwrap(report["tuned"] as? [String: Double])
        let heldOutRaw = try XCTUnwrap(report["raw"] as? [String: Double])
        XCTAssertGreaterThan(heldOutTuned["precisionAt10"] ?? 0, heldOutRaw["precisionAt10"] ?? 1, tune.stdout)
        XCTAssertTrue(tune.stderr.contains("tuned on 400 products, 10 classes"), tune.stderr)
        // A dry run scores other parameters on the held-out products and leaves the stored tuning alone.
        let dry = try CLIRunner.run(["tune", "--db", db, "--label", "articleType", "--dimensions", "16", "--dry-run", "--json"], in: folder)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertNotNil(try json(dry.stdout)["tuned"], dry.stdout)
        XCTAssertFalse(dry.stderr.contains("stored in"), dry.stderr)

        // Leave-one-out through "more like this": the default ranking (tuned + αQE + consensus) finds the same kind
        // of product more often than raw vectors.
        func p10(_ run: CLIRunner.Output) throws -> Double {
            XCTAssertEqual(run.status, 0, run.stderr)
            let report = try XCTUnwrap(try json(run.stdout)["report"] as? [String: Any])
            return try XCTUnwrap((report["metrics"] as? [String: Double])?["precisionAt10"])
        }
        let rawRun = try CLIRunner.run(["eval", "--db", db, "--space", "raw", "--json"], in: folder)
        let defaultRun = try CLIRunner.run(["eval", "--db", db, "--json"], in: folder)
        XCTAssertTrue((try json(defaultRun.stdout)["method"] as? String ?? "").contains("tuned(articleType, 74-d), αQE(10), consensus(10)"),
                      defaultRun.stdout)  // 64 + 10 classes
        XCTAssertEqual((try json(defaultRun.stdout)["report"] as? [String: Any])?["queries"] as? Int, 400)
        XCTAssertGreaterThan(try p10(defaultRun), try p10(rawRun))
        // Label consensus re-ranks by the catalog's labels: it must not lose category precision.
        let unvotedP10 = try p10(CLIRunner.run(["eval", "--db", db, "--space", "tuned", "--qe", "5", "--consensus", "0", "--json"], in: folder))
        let voted = try p10(CLIRunner.run(["eval", "--db", db, "--space", "tuned", "--qe", "5", "--consensus", "10", "--json"], in: folder))
        XCTAssertGreaterThanOrEqual(voted, unvotedP10)
        // Photos as queries go the upload path: the first 60 training images, searched as `search` would.
        let photos = try CLIRunner.run(["eval", "--db", db, "--queries", "fashion-mnist:train", "--limit", "60", "--json"], in: folder)
        XCTAssertEqual((try json(photos.stdout)["report"] as? [String: Any])?["queries"] as? Int, 60, photos.stderr)
        XCTAssertTrue((try json(photos.stdout)["method"] as? String ?? "").contains("raw, photos, cleanup standard"), photos.stdout)
        XCTAssertGreaterThan(try p10(photos), 0.3)
        let both = try CLIRunner.run(["eval", "--db", db, "--queries", "fashion-mnist:train", "--shopper", folder.path], in: folder)
        XCTAssertNotEqual(both.status, 0)
        let removeDry = try CLIRunner.run(["tune", "--db", db, "--remove", "--dry-run"], in: folder)
        XCTAssertNotEqual(removeDry.status, 0)
        XCTAssertEqual(try CLIRunner.run(["eval", "--db", db, "--space", "tuned", "--limit", "5"], in: folder).status, 0, "the tuning is still there")

        let similar = try CLIRunner.run(["similar", "test-1", "--db", db, "--k", "5", "--json"], in: folder)
        XCTAssertEqual(similar.status, 0, similar.stderr)
        let rawSimilar = try CLIRunner.run(["similar", "test-1", "--db", db, "--k", "5", "--space", "raw", "--qe", "0", "--json"], in: folder)
        XCTAssertEqual(rawSimilar.status, 0, rawSimilar.stderr)
        XCTAssertNotEqual(similar.stdout, rawSimilar.stdout, "the tuned space ranks differently")
        let unvoted = try CLIRunner.run(["similar", "test-1", "--db", db, "--k", "5", "--consensus", "0", "--json"], in: folder)
        XCTAssertEqual(unvoted.status, 0, unvoted.stderr)
        XCTAssertEqual(try CLIRunner.run(["similar", "test-1", "--db", db, "--consensus", "101"], in: folder).status == 0, false)

        let badQE = try CLIRunner.run(["similar", "test-1", "--db", db, "--qe", "-2"], in: folder)
        XCTAssertNotEqual(badQE.status, 0)
        let remove = try CLIRunner.run(["tune", "--db", db, "--remove"], in: folder)
        XCTAssertEqual(remove.status, 0, remove.stderr)
        XCTAssertNotEqual(try CLIRunner.run(["eval", "--db", db, "--space", "tuned"], in: folder).status, 0)
        let noLabel = try CLIRunner.run(["tune", "--db", db, "--label", "colour"], in: folder)
        XCTAssertNotEqual(noLabel.status, 0)
        XCTAssertTrue(noLabel.stderr.contains("colour"), noLabel.stderr)
    }

    func testShopperPhotoEvaluationOnAGeneratedSet() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let python = CLIRunner.root.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { throw XCTSkip("no .venv: run `make setup`") }
        // The project's generator (seeded): 12 photos of Fashion-MNIST test items, and the items as a folder catalog.
        let shots = folder.appendingPathComponent("shots")
        let generate = Process()
        generate.executableURL = python
        generate.arguments = [CLIRunner.root.appendingPathComponent("tools/quality/make_shopper_photos.py").path,
                              "--fashion-mnist", "test", "--sample", "12", "--seed", "3", "--out", shots.path]
        generate.standardOutput = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        XCTAssertEqual(generate.terminationStatus, 0)
        let manifest = try String(contentsOf: shots.appendingPathComponent("manifest.csv"), encoding: .utf8)
        XCTAssertEqual(manifest.split(whereSeparator: \.isNewline).count, 13, "header + 12 photos")

        let db = folder.appendingPathComponent("shots.db").path
        let index = try CLIRunner.run(["index", shots.appendingPathComponent("catalog").path, "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        for cleanup in ["none", "standard"] {
            let eval = try CLIRunner.run(["eval", "--db", db, "--shopper", shots.path, "--cleanup", cleanup, "--json"], in: folder)
            XCTAssertEqual(eval.status, 0, eval.stderr)
            let report = try XCTUnwrap(try json(eval.stdout)["report"] as? [String: Any])
            XCTAssertEqual(report["queries"] as? Int, 12)
            XCTAssertEqual(report["failed"] as? Int, 0)
            let r1 = try XCTUnwrap(report["recallAt1"] as? Double), r10 = try XCTUnwrap(report["recallAt10"] as? Double)
            XCTAssertTrue((0...1).contains(r1) && r10 >= r1, "\(report)")
            XCTAssertGreaterThan(report["queryMilliseconds"] as? Double ?? 0, 0)
        }
        // Exact-item verification needs the catalog's item signatures; with them it finds most of the 12 items first.
        let unsigned = try CLIRunner.run(["eval", "--db", db, "--shopper", shots.path, "--cleanup", "standard+verify"], in: folder)
        XCTAssertNotEqual(unsigned.status, 0)
        XCTAssertTrue(unsigned.stderr.contains("--item-signatures"), unsigned.stderr)
        let signed = try CLIRunner.run(["index", shots.appendingPathComponent("catalog").path, "--db", db, "--item-signatures"], in: folder)
        XCTAssertEqual(signed.status, 0, signed.stderr)
        let verified = try CLIRunner.run(["eval", "--db", db, "--shopper", shots.path, "--cleanup", "standard+verify", "--json"], in: folder)
        XCTAssertEqual(verified.status, 0, verified.stderr)
        let report = try XCTUnwrap(try json(verified.stdout)["report"] as? [String: Any])
        XCTAssertEqual(report["queries"] as? Int, 12)
        XCTAssertGreaterThanOrEqual(report["recallAt1"] as? Double ?? 0, 0.5, "\(report)")
        XCTAssertEqual(try json(verified.stdout)["cleanup"] as? String, "standard+verify")
        let missing = try CLIRunner.run(["eval", "--db", db, "--shopper", folder.appendingPathComponent("nowhere").path], in: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("manifest.csv"), missing.stderr)
        let badCleanup = try CLIRunner.run(["eval", "--db", db, "--shopper", shots.path, "--cleanup", "sparkle"], in: folder)
        XCTAssertNotEqual(badCleanup.status, 0)
        XCTAssertTrue(badCleanup.stderr.contains("cleanup"), badCleanup.stderr)
    }
}
