import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// Records the start of an import run (status running) and returns its id.
    public func startImportRun(source: String) async throws -> Int64 {
        let rows = try await query("starting an import run", """
            INSERT INTO import_runs (source, started_at, status) VALUES (\(source), now(), \(ImportStatus.running.rawValue)) RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else {
            throw CatalogStoreError.database(operation: "starting an import run", reason: "no id returned")
        }
        return id
    }

    /// Stores failures of a run in one transaction; an unknown run id is an error.
    public func recordFailures(_ failures: [ImportFailure]) async throws {
        guard !failures.isEmpty else { return }
        let logger = self.logger
        try await transaction("recording \(failures.count) import failures") { connection in
            let runIDs = Array(Set(failures.map(\.runID)))
            var known = Set<Int64>()
            for row in try await connection.rows("SELECT id FROM import_runs WHERE id = ANY(\(runIDs)::bigint[])", logger) {
                known.insert(try row.decode(Int64.self))
            }
            if let unknown = failures.first(where: { !known.contains($0.runID) }) {
                throw CatalogStoreError.unknownImportRun(id: unknown.runID)
            }
            try await connection.rows("""
                INSERT INTO import_failures (run_id, item, reason)
                SELECT u.run_id, u.item, u.reason FROM unnest(\(failures.map(\.runID))::bigint[], \(failures.map(\.item))::text[], \(failures.map(\.reason))::text[])
                    WITH ORDINALITY AS u(run_id, item, reason, n) ORDER BY n
                """, logger)
        }
    }

    /// Records how a run ended, with its counts and the finish time.
    public func finishImportRun(id: Int64, status: ImportStatus, counts: ImportCounts) async throws {
        let rows = try await query("finishing import run #\(id)", """
            UPDATE import_runs SET finished_at = now(), status = \(status.rawValue), indexed = \(counts.indexed),
                unchanged = \(counts.unchanged), failed = \(counts.failed), removed = \(counts.removed)
            WHERE id = \(id) RETURNING id
            """)
        if rows.isEmpty { throw CatalogStoreError.unknownImportRun(id: id) }
    }

    /// The most recent runs, newest first.
    public func lastImportRuns(limit: Int) async throws -> [ImportRun] {
        try await read("reading import runs", """
            SELECT id, source, started_at, finished_at, status, indexed, unchanged, failed, removed
            FROM import_runs ORDER BY id DESC LIMIT \(max(0, limit))
            """).map { row in
            let (id, source, startedAt, finishedAt, status, indexed, unchanged, failed, removed) =
                try row.decode((Int64, String, Date, Date?, String, Int, Int, Int, Int).self)
            return ImportRun(id: id, source: source, startedAt: startedAt, finishedAt: finishedAt,
                             status: ImportStatus(rawValue: status) ?? .failed,
                             counts: ImportCounts(indexed: indexed, unchanged: unchanged, failed: failed, removed: removed))
        }
    }

    /// The failures recorded for a run, in the order they were recorded.
    public func failures(runID: Int64) async throws -> [ImportFailure] {
        try await read("reading the failures of import run #\(runID)", """
            SELECT item, reason FROM import_failures WHERE run_id = \(runID) ORDER BY id
            """).map { row in
            let (item, reason) = try row.decode((String, String).self)
            return ImportFailure(runID: runID, item: item, reason: reason)
        }
    }
}
