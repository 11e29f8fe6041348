import Foundation
import GRDB

extension SQLiteCatalogStore {
    /// Records the start of an import run (status running) and returns its id.
    public func startImportRun(source: String) async throws -> Int64 {
        try await write("starting an import run") { db in
            try db.execute(sql: "INSERT INTO import_runs (source, started_at, status) VALUES (?, ?, ?)",
                           arguments: [source, Date(), ImportStatus.running.rawValue])
            return db.lastInsertedRowID
        }
    }

    /// Stores failures of a run in one transaction; an unknown run id is an error.
    public func recordFailures(_ failures: [ImportFailure]) async throws {
        guard !failures.isEmpty else { return }
        try await write("recording \(failures.count) import failures") { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO import_failures (run_id, item, reason) VALUES (?, ?, ?)")
            for failure in failures {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM import_runs WHERE id = ?", arguments: [failure.runID]) != nil
                else { throw CatalogStoreError.unknownImportRun(id: failure.runID) }
                try insert.execute(arguments: [failure.runID, failure.item, failure.reason])
            }
        }
    }

    /// Records how a run ended, with its counts and the finish time.
    public func finishImportRun(id: Int64, status: ImportStatus, counts: ImportCounts) async throws {
        try await write("finishing import run #\(id)") { db in
            try db.execute(sql: """
                UPDATE import_runs SET finished_at = ?, status = ?, indexed = ?, unchanged = ?, failed = ?, removed = ?
                WHERE id = ?
                """, arguments: [Date(), status.rawValue, counts.indexed, counts.unchanged, counts.failed,
                                 counts.removed, id])
            if db.changesCount == 0 { throw CatalogStoreError.unknownImportRun(id: id) }
        }
    }

    /// The most recent runs, newest first.
    public func lastImportRuns(limit: Int) async throws -> [ImportRun] {
        try await read("reading import runs") { db in
            try Self.fetchRuns(db, limit: limit)
        }
    }

    /// The failures recorded for a run, in the order they were recorded.
    public func failures(runID: Int64) async throws -> [ImportFailure] {
        try await read("reading the failures of import run #\(runID)") { db in
            try Row.fetchAll(db, sql: "SELECT item, reason FROM import_failures WHERE run_id = ? ORDER BY id",
                             arguments: [runID])
                .map { ImportFailure(runID: runID, item: $0["item"], reason: $0["reason"]) }
        }
    }

    static func fetchRuns(_ db: Database, limit: Int) throws -> [ImportRun] {
        try Row.fetchAll(db, sql: """
            SELECT id, source, started_at, finished_at, status, indexed, unchanged, failed, removed
            FROM import_runs ORDER BY id DESC LIMIT ?
            """, arguments: [max(0, limit)])
            .map { row in
                let status: String = row["status"]
                return ImportRun(id: row["id"], source: row["source"], startedAt: row["started_at"],
                                 finishedAt: row["finished_at"], status: ImportStatus(rawValue: status) ?? .failed,
                                 counts: ImportCounts(indexed: row["indexed"], unchanged: row["unchanged"],
                                                      failed: row["failed"], removed: row["removed"]))
            }
    }
}
