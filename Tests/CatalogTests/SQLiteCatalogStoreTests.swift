@testable import Catalog
import Foundation
import GRDB
import TestSupport
import XCTest

final class SQLiteCatalogStoreTests: TimedTestCase {
    private func rowCount(_ store: SQLiteCatalogStore, _ table: String) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    /// The shared store behaviour (CatalogStoreContract), on a fresh SQLite file.
    private func fixture() throws -> StoreFixture {
        let (store, path) = try makeStore()
        return StoreFixture(store: store, reopen: { try SQLiteCatalogStore(path: path) },
                            rowCount: { [self] table in try rowCount(store, table) })
    }

    func testRoundTripAndReopen() async throws { try await CatalogStoreContract.roundTripAndReopen(fixture()) }
    func testBatchWithAnInvalidItemLeavesNothing() async throws { try await CatalogStoreContract.batchWithAnInvalidItemLeavesNothing(fixture()) }
    func testUpsertReplacesWithoutDuplicates() async throws { try await CatalogStoreContract.upsertReplacesWithoutDuplicates(fixture()) }
    func testRemoveCascadesToVectorsAndAttributes() async throws { try await CatalogStoreContract.removeCascadesToVectorsAndAttributes(fixture()) }
    func testContentHashesSkipProductsWithoutHash() async throws { try await CatalogStoreContract.contentHashesSkipProductsWithoutHash(fixture()) }
    func testFacets() async throws { try await CatalogStoreContract.facets(fixture()) }
    func testAdditionalImages() async throws { try await CatalogStoreContract.additionalImages(fixture()) }
    func testImagePathsInUse() async throws { try await CatalogStoreContract.imagePathsInUse(fixture()) }
    func testProductsKeepsRequestedOrderAndSkipsUnknown() async throws { try await CatalogStoreContract.productsKeepRequestedOrderAndSkipUnknown(fixture()) }
    func testModelKeysAreIsolated() async throws { try await CatalogStoreContract.modelKeysAreIsolated(fixture()) }
    func testImportRunsFailuresStatsAndSettings() async throws { try await CatalogStoreContract.importRunsFailuresStatsAndSettings(fixture()) }
    func testUpsertProductsUpdatesMetadataOnly() async throws { try await CatalogStoreContract.upsertProductsUpdatesMetadataOnly(fixture()) }

    func testWritesAreRefusedOnceTheFileIsDeletedOrReplaced() async throws {
        let (store, path) = try makeStore()
        try await store.upsert([(product("kept"), [1, 0, 0])], modelKey: "m")
        try FileManager.default.removeItem(atPath: path)
        do {
            try await store.upsert([(product("lost"), [0, 1, 0])], modelKey: "m")
            XCTFail("a write to a deleted catalog file must fail, not vanish")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .fileReplaced(path: path))
            XCTAssertTrue(error.description.contains("nothing was written"), error.description)
        }
        // Another file put in its place is not written through the old handle either.
        let other = try SQLiteCatalogStore(path: path)
        do {
            _ = try await store.remove(ids: ["kept"])
            XCTFail("a write to a replaced catalog file must fail")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .fileReplaced(path: path))
        }
        try await other.upsert([(product("new"), [0, 0, 1])], modelKey: "m")
        let count = try await other.count()
        XCTAssertEqual(count, 1)
    }

    func testMigrationsAreNamedAndRecorded() throws {
        let (store, path) = try makeStore()
        let (applied, tables, journal) = try store.pool.read { db in
            (try SQLiteCatalogStore.migrator.appliedIdentifiers(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        XCTAssertEqual(applied, ["v1-catalog", "v1-import-runs", "v1-settings", "v2-item-signatures", "v3-product-images"])
        for table in ["products", "product_attributes", "vectors", "import_runs", "import_failures", "settings", "item_signatures",
                      "product_images", "image_vectors"] {
            XCTAssertTrue(tables.contains(table), "missing table \(table) in \(tables)")
        }
        XCTAssertEqual(journal, "wal")
        // Opening again migrates nothing and keeps working.
        XCTAssertNoThrow(try SQLiteCatalogStore(path: path))
    }

    func testNewerSchemaIsRefusedWithAClearMessage() throws {
        let (store, path) = try makeStore()
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        XCTAssertThrowsError(try SQLiteCatalogStore(path: path)) { error in
            XCTAssertEqual(error as? CatalogStoreError, .schemaTooNew(path: path, unknownMigrations: ["v9-from-the-future"]))
            XCTAssertTrue("\(error)".contains("newer version of Lookalike"), "\(error)")
        }
    }

    func testOpeningInAMissingFolderOrANonDatabaseFails() throws {
        let folder = try makeTemporaryFolder(self)
        let inMissing = folder.appendingPathComponent("no/such/folder/catalog.db").path
        XCTAssertThrowsError(try SQLiteCatalogStore(path: inMissing)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        let notADatabase = try write("<html>not a database, definitely not</html>" + String(repeating: "x", count: 5000),
                                     to: "photo.db", in: folder)
        XCTAssertThrowsError(try SQLiteCatalogStore(path: notADatabase.path)) { error in
            XCTAssertTrue("\(error)".contains("cannot open the catalog database"), "\(error)")
        }
    }
}
