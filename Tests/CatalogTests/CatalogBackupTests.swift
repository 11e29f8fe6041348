@testable import Catalog
import Foundation
import GRDB
import TestSupport
import XCTest

/// Backups are consistent while the catalog is written, and restore puts them back.
final class CatalogBackupTests: TimedTestCase {
    func testBackupDuringWritesIsCompleteAndConsistentAndRestores() async throws {
        let (store, path) = try makeStore()
        let batchSize = Self.batchSize, batch = Self.batch
        for number in 0 ..< 20 { try await store.upsert(batch(number), modelKey: "m") }

        // Batches keep landing, one transaction each, while the backups are taken.
        let writer = Task {
            var number = 20
            while !Task.isCancelled && number < 2_000 {
                do {
                    try await store.upsert(batch(number), modelKey: "m")
                } catch is CancellationError {
                    break
                }
                number += 1
            }
            return number
        }
        // The writer is under way before the first backup starts.
        while try await store.count() < 25 * batchSize { try await Task.sleep(for: .milliseconds(5)) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var counts: [Int] = []
        for index in 0 ..< 3 {
            let copy = folder.appendingPathComponent("backup-\(index).db").path
            let summary = try await store.backup(to: copy)
            counts.append(summary.products)
            // Whole transactions only: every batch is in the copy entirely or not at all, vectors included.
            XCTAssertEqual(summary.products % batchSize, 0, "a torn batch in the copy: \(summary.products) products")
            let opened = try SQLiteCatalogStore(path: copy)
            let vectors = try await opened.loadVectors(modelKey: "m")
            XCTAssertEqual(vectors.count, summary.products)
            let verdict = try await opened.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
            XCTAssertEqual(verdict, "ok")
        }
        writer.cancel()
        let written = try await writer.value
        XCTAssertGreaterThanOrEqual(counts.first ?? 0, 25 * batchSize, "everything committed before the backup is in it")
        XCTAssertGreaterThan(written, 20)

        // Restore the first copy over a catalog that moved on.
        let restoredPath = folder.appendingPathComponent("restored.db").path
        let target = try SQLiteCatalogStore(path: restoredPath)
        try await target.upsert(batch(9_999), modelKey: "m")
        let summary = try SQLiteCatalogStore.restore(from: folder.appendingPathComponent("backup-0.db").path, to: restoredPath)
        XCTAssertEqual(summary.products, counts[0])
        let reopened = try SQLiteCatalogStore(path: restoredPath)
        let restoredCount = try await reopened.count()
        XCTAssertEqual(restoredCount, counts[0])
        let stale = try await reopened.product(id: "p9999-0")
        XCTAssertNil(stale, "nothing of the replaced catalog is left")
    }

    func testRestoreRefusesADamagedOrForeignFile() throws {
        let folder = try makeTemporaryFolder(self)
        let target = folder.appendingPathComponent("catalog.db").path
        let junk = folder.appendingPathComponent("junk.db")
        try Data(repeating: 7, count: 10_000).write(to: junk)
        XCTAssertThrowsError(try SQLiteCatalogStore.restore(from: junk.path, to: target))
        let other = folder.appendingPathComponent("other.db").path
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t(x)") }
        XCTAssertThrowsError(try SQLiteCatalogStore.restore(from: other, to: target)) { error in
            XCTAssertTrue("\(error)".contains("not a Lookalike catalog"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "nothing was put in place")
    }

    static let batchSize = 50

    /// Batch `number`: 50 products with a vector each.
    @Sendable static func batch(_ number: Int) -> [(product: Product, vector: [Float])] {
        (0 ..< batchSize).map { i in
            (Product(id: "p\(number)-\(i)", title: "Product \(i) of batch \(number)", attributes: ["batch": "\(number)"]),
             [Float(i), 1, Float(number)])
        }
    }
}
