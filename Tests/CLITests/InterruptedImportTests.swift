import Foundation
import TestSupport
import XCTest

/// kill -9 or Ctrl-C in the middle of an import, then the same command again: complete,
/// no duplicates, nothing lost, the database intact.
final class InterruptedImportTests: TimedTestCase {
    /// 20 minutes: each test imports up to 5,000 Fashion-MNIST images twice (the interrupted run and the
    /// rerun); `waitForRows` allows 300 s and each CLI run 600 s, so their own failures come first.
    override class var timeLimit: TimeInterval { 1200 }

    func waitForRows(_ db: URL, atLeast rows: Int, process: Process, timeout: TimeInterval = 300) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            let count = Int((try? CLIRunner.sqlite(db, "SELECT count(*) FROM vectors")) ?? "") ?? 0
            if count >= rows { return count }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTFail("import did not reach \(rows) rows")
        return 0
    }

    func checkComplete(_ db: URL, count: Int) throws {
        XCTAssertEqual(try CLIRunner.sqlite(db, "PRAGMA integrity_check"), "ok")
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT count(*) FROM products"), "\(count)")
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT count(*) FROM vectors"), "\(count)")
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT count(DISTINCT id) FROM products"), "\(count)")
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT min(CAST(substr(id, 6) AS INTEGER)) || ' ' || max(CAST(substr(id, 6) AS INTEGER)) FROM products"),
                       "0 \(count - 1)", "every id test-0 … test-\(count - 1) is there")
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT count(*) FROM products p LEFT JOIN vectors v ON v.product_id = p.id WHERE v.product_id IS NULL"), "0",
                       "no product without its vector")
    }

    func testKillNineThenRerunCompletesWithoutDuplicates() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("k.db")
        let arguments = ["index", "fashion-mnist:test", "--limit", "5000", "--db", db.path, "--batch", "32"]
        let first = try CLIRunner.start(arguments, in: folder)
        let reached = try waitForRows(db, atLeast: 1500, process: first.process)
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        XCTAssertEqual(first.process.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(reached, 1500)
        XCTAssertEqual(try CLIRunner.sqlite(db, "PRAGMA integrity_check"), "ok")
        let kept = Int(try CLIRunner.sqlite(db, "SELECT count(*) FROM vectors")) ?? 0
        XCTAssertLessThan(kept, 5000, "killed before the end")

        let second = try CLIRunner.run(arguments + ["--json"], in: folder)
        XCTAssertEqual(second.status, 0, second.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(summary?["unchanged"] as? Int, kept, "everything stored before the kill is kept and skipped")
        XCTAssertEqual(summary?["indexed"] as? Int, 5000 - kept)
        try checkComplete(db, count: 5000)
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT status FROM import_runs ORDER BY id"), "interrupted\ncompleted",
                       "the killed run is marked interrupted by the next one")
    }

    func testCtrlCStopsPolitelyAndRerunFinishes() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let db = folder.appendingPathComponent("c.db")
        let arguments = ["index", "fashion-mnist:test", "--limit", "1200", "--db", db.path]
        let first = try CLIRunner.start(arguments, in: folder)
        _ = try waitForRows(db, atLeast: 200, process: first.process)
        first.process.interrupt()
        first.process.waitUntilExit()
        XCTAssertEqual(first.process.terminationStatus, 130, first.outputs.stderr())
        XCTAssertTrue(first.outputs.stdout().contains("interrupted"), first.outputs.stdout())
        XCTAssertEqual(try CLIRunner.sqlite(db, "SELECT status FROM import_runs"), "interrupted")
        let second = try CLIRunner.run(arguments, in: folder)
        XCTAssertEqual(second.status, 0, second.stderr)
        try checkComplete(db, count: 1200)
    }
}
