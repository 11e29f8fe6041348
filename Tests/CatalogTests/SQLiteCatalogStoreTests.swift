@testable import Catalog
import Foundation
import GRDB
import XCTest

final class SQLiteCatalogStoreTests: XCTestCase {
    private func makeStore() throws -> (SQLiteCatalogStore, String) {
        let path = try makeTemporaryFolder(self).appendingPathComponent("catalog.db").path
        return (try SQLiteCatalogStore(path: path), path)
    }

    private func product(_ id: String, _ attributes: [String: String] = [:], hash: String? = nil) -> Product {
        Product(id: id, title: "Title of \(id)", attributes: attributes, imagePath: "/images/\(id).jpg", contentHash: hash)
    }

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

    func testModelKeysAreIsolated() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a", hash: "ha"), [1, 0, 0]), (product("b", hash: "hb"), [0, 1, 0])],
                               modelKey: "small@1")
        try await store.upsert([(product("b", hash: "hb"), [0.5, 0.5, 0, 0, 0])], modelKey: "big@2")
        let small = try await store.loadVectors(modelKey: "small@1")
        let big = try await store.loadVectors(modelKey: "big@2")
        XCTAssertEqual(small.ids, ["a", "b"])
        XCTAssertEqual(small.dimension, 3)
        XCTAssertEqual(big.ids, ["b"])
        XCTAssertEqual(big.dimension, 5)
        XCTAssertEqual(big.vectors, [0.5, 0.5, 0, 0, 0])
        let none = try await store.loadVectors(modelKey: "unknown")
        XCTAssertEqual(none.count, 0)
        XCTAssertEqual(none.dimension, 0)
        let bigHashes = try await store.contentHashes(modelKey: "big@2")
        XCTAssertEqual(bigHashes, ["b": "hb"], "a product without a vector for this model key must be re-embedded")
        let stats = try await store.stats()
        XCTAssertEqual(stats.vectorsByModelKey, ["small@1": 2, "big@2": 1])
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

    func testDamagedVectorBlobIsReported() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a"), [1, 2, 3])], modelKey: "m")
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE vectors SET vector = x'0000' WHERE product_id = 'a'")
        }
        do {
            _ = try await store.loadVectors(modelKey: "m")
            XCTFail("a short blob must be reported")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .corruptVector(id: "a", modelKey: "m", expectedBytes: 6, foundBytes: 2))
        }
    }

    /// 60k × 1280 (the Kaggle catalog's size with a 1280-dimensional model) must load in well under a few
    /// seconds. Rows are inserted with SQL here (upserting 77M values one by one is slow in a debug build).
    func testLoadingSixtyThousandVectorsIsFast() async throws {
        let (store, _) = try makeStore()
        let dimension = 1280, total = 60_000
        let template = Float16Codec.encode((0 ..< dimension).map { Float($0 % 97) / 1000 - 0.05 })
        try await store.pool.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                INSERT INTO products (id, title, created_at, updated_at) SELECT CAST(i AS TEXT), 't', ?, ? FROM n;
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                INSERT INTO product_attributes SELECT CAST(i AS TEXT), 'articleType', 't' || (i % 40) FROM n;
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                INSERT INTO vectors (product_id, model_key, dimension, vector) SELECT CAST(i AS TEXT), 'm', ?, ? FROM n;
                """, arguments: [total, Date(), Date(), total, total, dimension, template])
            for index in [0, 12345, total - 1] {  // a few rows with a distinct 1.0, to catch mixed-up rows
                var blob = template
                blob[(index % dimension) * 2] = 0x00
                blob[(index % dimension) * 2 + 1] = 0x3c
                try db.execute(sql: "UPDATE vectors SET vector = ? WHERE product_id = ?", arguments: [blob, String(index)])
            }
        }
        let started = Date()
        let table = try await store.loadVectors(modelKey: "m")
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(table.count, total)
        XCTAssertEqual(table.vectors.count, total * dimension)
        XCTAssertEqual(table.ids, table.ids.sorted(), "rows are sorted by id")
        for id in [0, 12345, total - 1] {
            let vector = table.vector(at: try XCTUnwrap(table.ids.firstIndex(of: String(id))))
            XCTAssertEqual(vector[id % dimension], 1, "row \(id)")
        }
        let row = try XCTUnwrap(table.ids.firstIndex(of: "12345"))
        let vector = table.vector(at: row)
        XCTAssertEqual(vector[(12345 + 1) % dimension], Float(((12345 + 1) % dimension) % 97) / 1000 - 0.05, accuracy: 1e-4)
        XCTAssertEqual(table.attributes[row], ["articleType": "t\(12345 % 40)"])
        #if DEBUG
        let limit = 30.0  // unoptimised code on a possibly busy machine; release builds take a fraction of a second
        #else
        let limit = 2.0
        #endif
        XCTAssertLessThan(seconds, limit, "loadVectors took \(seconds) s")
        print("loadVectors: \(total) × \(dimension) in \(String(format: "%.2f", seconds)) s")
    }
}
