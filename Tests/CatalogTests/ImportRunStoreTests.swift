@testable import Catalog
import Foundation
import XCTest

final class ImportRunStoreTests: XCTestCase {
    func testImportRunsFailuresStatsAndSettings() async throws {
        let (store, _) = try makeStore()
        let first = try await store.startImportRun(source: "fashion-mnist:test")
        let second = try await store.startImportRun(source: "/data/photos")
        XCTAssertGreaterThan(second, first)
        try await store.recordFailures([ImportFailure(runID: second, item: "styles.csv line 17", reason: "expected 10 fields, found 7"),
                                        ImportFailure(runID: second, item: "42", reason: "image images/42.jpg not found")])
        try await store.finishImportRun(id: second, status: .interrupted,
                                        counts: ImportCounts(indexed: 5, unchanged: 3, failed: 2, removed: 1))
        let runs = try await store.lastImportRuns(limit: 10)
        XCTAssertEqual(runs.map(\.id), [second, first])
        XCTAssertEqual(runs[0].status, .interrupted)
        XCTAssertEqual(runs[0].counts, ImportCounts(indexed: 5, unchanged: 3, failed: 2, removed: 1))
        XCTAssertNotNil(runs[0].finishedAt)
        XCTAssertEqual(runs[1].status, .running)
        XCTAssertNil(runs[1].finishedAt)
        let failures = try await store.failures(runID: second)
        XCTAssertEqual(failures.map(\.item), ["styles.csv line 17", "42"])
        let noFailures = try await store.failures(runID: first)
        XCTAssertTrue(noFailures.isEmpty)

        do {
            try await store.finishImportRun(id: 999, status: .completed, counts: ImportCounts())
            XCTFail("unknown run must be reported")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .unknownImportRun(id: 999))
        }

        try await store.upsert([(product("a"), [1, 2])], modelKey: "m")
        let stats = try await store.stats()
        XCTAssertEqual(stats.products, 1)
        XCTAssertEqual(stats.lastImportRun?.id, second)
        XCTAssertGreaterThan(stats.databaseBytes, 0)

        let missingSetting = try await store.setting("whitening")
        XCTAssertNil(missingSetting)
        try await store.setSetting("whitening", Data([1, 2, 3]))
        try await store.setSetting("whitening", Data([4, 5]))
        let value = try await store.setting("whitening")
        XCTAssertEqual(value, Data([4, 5]))
        try await store.setSetting("whitening", nil)
        let deleted = try await store.setting("whitening")
        XCTAssertNil(deleted)
    }
}
