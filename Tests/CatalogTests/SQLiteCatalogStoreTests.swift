@testable import Catalog
import Foundation
import GRDB
import XCTest

final class SQLiteCatalogStoreTests: XCTestCase {
    private func rowCount(_ store: SQLiteCatalogStore, _ table: String) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    func testRoundTripAndReopen() async throws {
        let (store, path) = try makeStore()
        let created = Date(timeIntervalSince1970: 1_700_000_000.125)
        var shirt = product("shirt-1", ["articleType": "Shirts", "baseColour": "Blue", "empty": ""], hash: "abc")
        shirt.createdAt = created
        shirt.updatedAt = created
        try await store.upsert([(shirt, [0.5, -0.25, 1, 0])], modelKey: "m@1")

        let reopened = try SQLiteCatalogStore(path: path)
        let loaded = try await reopened.product(id: "shirt-1")
        XCTAssertEqual(loaded?.title, "Title of shirt-1")
        XCTAssertEqual(loaded?.attributes, ["articleType": "Shirts", "baseColour": "Blue"], "empty values are not stored")
        XCTAssertEqual(loaded?.imagePath, "/images/shirt-1.jpg")
        XCTAssertEqual(loaded?.contentHash, "abc")
        XCTAssertEqual(loaded?.createdAt.timeIntervalSince1970 ?? 0, created.timeIntervalSince1970, accuracy: 0.001)
        let missing = try await reopened.product(id: "nope")
        XCTAssertNil(missing)
        let count = try await reopened.count()
        XCTAssertEqual(count, 1)
        let table = try await reopened.loadVectors(modelKey: "m@1")
        XCTAssertEqual(table.ids, ["shirt-1"])
        XCTAssertEqual(table.dimension, 4)
        XCTAssertEqual(table.vectors, [0.5, -0.25, 1, 0])
        XCTAssertEqual(table.attributes, [["articleType": "Shirts", "baseColour": "Blue"]])
    }

    func testMigrationsAreNamedAndRecorded() throws {
        let (store, path) = try makeStore()
        let (applied, tables, journal) = try store.pool.read { db in
            (try SQLiteCatalogStore.migrator.appliedIdentifiers(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        XCTAssertEqual(applied, ["v1-catalog", "v1-import-runs", "v1-settings"])
        for table in ["products", "product_attributes", "vectors", "import_runs", "import_failures", "settings"] {
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

    func testBatchWithAnInvalidItemLeavesNothing() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("kept"), [1, 0, 0])], modelKey: "m")
        // The third item fails after the first two were written inside the transaction.
        let batch: [(product: Product, vector: [Float])] = [
            (product("a", ["color": "red"]), [1, 0, 0]), (product("b"), [0, 1, 0]), (product("c"), [.nan, 0, 0]),
        ]
        do {
            try await store.upsert(batch, modelKey: "m")
            XCTFail("a NaN vector must be refused")
        } catch let error as CatalogStoreError {
            guard case .invalidProduct(id: "c", _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("\"c\""), error.description)
        }
        let ids = try await store.allProductIDs()
        XCTAssertEqual(ids, ["kept"])
        XCTAssertEqual(try rowCount(store, "vectors"), 1)
        XCTAssertEqual(try rowCount(store, "product_attributes"), 0)

        // Same with a dimension change in the middle of a batch, and with an empty id.
        let mismatched: [(product: Product, vector: [Float])] = [(product("d"), [1, 0, 0]), (product("e"), [1, 0])]
        do {
            try await store.upsert(mismatched, modelKey: "m")
            XCTFail("a 2-dimensional vector among 3-dimensional ones must be refused")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .dimensionMismatch(id: "e", modelKey: "m", expected: 3, found: 2))
        }
        do {
            try await store.upsert([(product("f"), [1, 0, 0]), (product(""), [1, 0, 0])], modelKey: "m")
            XCTFail("an empty id must be refused")
        } catch {}
        let after = try await store.allProductIDs()
        XCTAssertEqual(after, ["kept"])
    }

    func testUpsertReplacesWithoutDuplicates() async throws {
        let (store, _) = try makeStore()
        var first = product("p", ["color": "red", "size": "M"], hash: "h1")
        first.createdAt = Date(timeIntervalSince1970: 1000)
        try await store.upsert([(first, [1, 0])], modelKey: "m")
        var second = product("p", ["color": "blue"], hash: "h2")
        second.title = "New title"
        try await store.upsert([(second, [0, 1])], modelKey: "m")

        let count = try await store.count()
        XCTAssertEqual(count, 1)
        XCTAssertEqual(try rowCount(store, "vectors"), 1)
        let loaded = try await store.product(id: "p")
        XCTAssertEqual(loaded?.title, "New title")
        XCTAssertEqual(loaded?.attributes, ["color": "blue"], "attributes are replaced, not merged")
        XCTAssertEqual(loaded?.createdAt.timeIntervalSince1970 ?? 0, 1000, accuracy: 0.001, "created_at survives re-import")
        let table = try await store.loadVectors(modelKey: "m")
        XCTAssertEqual(table.vectors, [0, 1])
        let hashes = try await store.contentHashes(modelKey: "m")
        XCTAssertEqual(hashes, ["p": "h2"])
    }

    func testRemoveCascadesToVectorsAndAttributes() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a", ["k": "v"]), [1, 0]), (product("b", ["k": "w"]), [0, 1])], modelKey: "m")
        try await store.upsert([(product("a", ["k": "v"]), [1, 0, 0])], modelKey: "other")
        let removed = try await store.remove(ids: ["a", "missing"])
        XCTAssertEqual(removed, 1)
        XCTAssertEqual(try rowCount(store, "vectors"), 1)
        XCTAssertEqual(try rowCount(store, "product_attributes"), 1)
        let ids = try await store.allProductIDs()
        XCTAssertEqual(ids, ["b"])
        let otherTable = try await store.loadVectors(modelKey: "other")
        XCTAssertEqual(otherTable.count, 0)
    }

    func testContentHashesSkipProductsWithoutHash() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a", hash: "111"), [1]), (product("b"), [1])], modelKey: "m")
        let hashes = try await store.contentHashes(modelKey: "m")
        XCTAssertEqual(hashes, ["a": "111"])
    }

    func testUpsertProductsUpdatesMetadataOnly() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a", ["color": "red"], hash: "h"), [1, 0])], modelKey: "m")
        var renamed = product("a", ["color": "green"], hash: "h")
        renamed.title = "Renamed"
        try await store.upsertProducts([renamed, product("new")])
        let loaded = try await store.product(id: "a")
        XCTAssertEqual(loaded?.title, "Renamed")
        let table = try await store.loadVectors(modelKey: "m")
        XCTAssertEqual(table.vectors, [1, 0])
        XCTAssertEqual(table.attributes, [["color": "green"]])
        let count = try await store.count()
        XCTAssertEqual(count, 2)
    }

    func testFacets() async throws {
        let (store, _) = try makeStore()
        let items: [(product: Product, vector: [Float])] = [
            (product("1", ["type": "Shirts", "gender": "Men"]), [1]),
            (product("2", ["type": "Shirts", "gender": "Women"]), [1]),
            (product("3", ["type": "Shoes", "gender": "Men"]), [1]),
            (product("4", ["type": "Bags"]), [1]),
        ]
        try await store.upsert(items, modelKey: "m")
        let all = try await store.facets(keys: nil, limit: 2)
        XCTAssertEqual(all.map(\.key), ["gender", "type"])
        XCTAssertEqual(all[1].values, [FacetValue(value: "Shirts", count: 2), FacetValue(value: "Bags", count: 1)])
        XCTAssertEqual(all[1].distinctValues, 3)
        let chosen = try await store.facets(keys: ["type", "gender"], limit: 10)
        XCTAssertEqual(chosen.map(\.key), ["type", "gender"])
        XCTAssertEqual(chosen[1].values, [FacetValue(value: "Men", count: 2), FacetValue(value: "Women", count: 1)])
        let none = try await store.facets(keys: ["missing"], limit: 10)
        XCTAssertTrue(none.isEmpty)
    }

    func testProductsKeepsRequestedOrderAndSkipsUnknown() async throws {
        let (store, _) = try makeStore()
        let many = (0 ..< 1200).map { (product: product(String(format: "id%04d", $0), ["n": "\($0 % 7)"]), vector: [Float(1)]) }
        try await store.upsert(many, modelKey: "m")
        let ids = ["id1100", "nope", "id0003", "id0600"]
        let products = try await store.products(ids: ids)
        XCTAssertEqual(products.map(\.id), ["id1100", "id0003", "id0600"])
        XCTAssertEqual(products[1].attributes, ["n": "3"])
        let everything = try await store.products(ids: many.map(\.product.id))
        XCTAssertEqual(everything.count, 1200, "more ids than one SQL statement takes")
    }
}
