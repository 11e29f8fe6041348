import Catalog
import Foundation
import XCTest

/// A store under test and what the shared store tests need to know about its backend.
struct StoreFixture {
    /// A fresh, empty store.
    var store: any CatalogStore
    /// The same catalog opened again (a new connection or file handle).
    var reopen: () async throws -> any CatalogStore
    /// Rows in one of the tables both backends share (products, product_attributes, vectors, …).
    var rowCount: (String) async throws -> Int
}

/// The behaviour every `CatalogStore` backend must show, run against SQLite always and against
/// PostgreSQL when `LOOKALIKE_TEST_POSTGRES_URL` is set (see PostgresCatalogStoreTests).
enum CatalogStoreContract {
    static func roundTripAndReopen(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        let created = Date(timeIntervalSince1970: 1_700_000_000.125)
        var shirt = product("shirt-1", ["articleType": "Shirts", "baseColour": "Blue", "empty": ""], hash: "abc")
        shirt.createdAt = created
        shirt.updatedAt = created
        try await store.upsert([(shirt, [0.5, -0.25, 1, 0])], modelKey: "m@1")

        let reopened = try await fixture.reopen()
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

    static func batchWithAnInvalidItemLeavesNothing(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        try await store.upsert([(product("kept"), [1, 0, 0])], modelKey: "m")
        // The third item fails after the first two were checked inside the transaction.
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
        let vectorRows = try await fixture.rowCount("vectors")
        XCTAssertEqual(vectorRows, 1)
        let attributeRows = try await fixture.rowCount("product_attributes")
        XCTAssertEqual(attributeRows, 0)

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
        do {
            try await store.upsert([(product("g"), [70000, 0, 0])], modelKey: "m")
            XCTFail("a value beyond the 16-bit float range must be refused")
        } catch let error as CatalogStoreError {
            guard case .invalidProduct(id: "g", _) = error else { return XCTFail("\(error)") }
        }
        let after = try await store.allProductIDs()
        XCTAssertEqual(after, ["kept"])
    }

    static func upsertReplacesWithoutDuplicates(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        var first = product("p", ["color": "red", "size": "M"], hash: "h1")
        first.createdAt = Date(timeIntervalSince1970: 1000)
        try await store.upsert([(first, [1, 0])], modelKey: "m")
        var second = product("p", ["color": "blue"], hash: "h2")
        second.title = "New title"
        try await store.upsert([(second, [0, 1])], modelKey: "m")

        let count = try await store.count()
        XCTAssertEqual(count, 1)
        let vectorRows = try await fixture.rowCount("vectors")
        XCTAssertEqual(vectorRows, 1)
        let loaded = try await store.product(id: "p")
        XCTAssertEqual(loaded?.title, "New title")
        XCTAssertEqual(loaded?.attributes, ["color": "blue"], "attributes are replaced, not merged")
        XCTAssertEqual(loaded?.createdAt.timeIntervalSince1970 ?? 0, 1000, accuracy: 0.001, "created_at survives re-import")
        let table = try await store.loadVectors(modelKey: "m")
        XCTAssertEqual(table.vectors, [0, 1])
        let hashes = try await store.contentHashes(modelKey: "m")
        XCTAssertEqual(hashes, ["p": "h2"])

        // The same id twice in one batch: the last one wins, as if written one after the other.
        try await store.upsert([(product("q", hash: "1"), [1, 0]), (product("q", ["v": "2"], hash: "2"), [0, 1])], modelKey: "m")
        let q = try await store.product(id: "q")
        XCTAssertEqual(q?.attributes, ["v": "2"])
        let qHashes = try await store.contentHashes(modelKey: "m")
        XCTAssertEqual(qHashes["q"], "2")
    }

    /// `upsertProducts` renames and re-labels a product and adds a new one, leaving vectors as they were.
    static func upsertProductsUpdatesMetadataOnly(_ fixture: StoreFixture) async throws {
        let store = try XCTUnwrap(fixture.store as? any CatalogCopying, "both backends copy catalogs")
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

    static func removeCascadesToVectorsAndAttributes(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        try await store.upsert([(product("a", ["k": "v"]), [1, 0]), (product("b", ["k": "w"]), [0, 1])], modelKey: "m")
        try await store.upsert([(product("a", ["k": "v"]), [1, 0, 0])], modelKey: "other")
        let removed = try await store.remove(ids: ["a", "missing"])
        XCTAssertEqual(removed, 1)
        let vectorRows = try await fixture.rowCount("vectors")
        XCTAssertEqual(vectorRows, 1)
        let attributeRows = try await fixture.rowCount("product_attributes")
        XCTAssertEqual(attributeRows, 1)
        let ids = try await store.allProductIDs()
        XCTAssertEqual(ids, ["b"])
        let otherTable = try await store.loadVectors(modelKey: "other")
        XCTAssertEqual(otherTable.count, 0)
        let none = try await store.remove(ids: [])
        XCTAssertEqual(none, 0)
    }

    static func contentHashesSkipProductsWithoutHash(_ fixture: StoreFixture) async throws {
        try await fixture.store.upsert([(product("a", hash: "111"), [1]), (product("b"), [1])], modelKey: "m")
        let hashes = try await fixture.store.contentHashes(modelKey: "m")
        XCTAssertEqual(hashes, ["a": "111"])
    }

    static func imagePathsInUse(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        var a = product("a"), b = product("b"), c = product("c")
        a.imagePath = "/img/shared.png"
        b.imagePath = "/img/shared.png"
        c.imagePath = "/img/c.png"
        try await store.upsert([(a, [1, 0]), (b, [0, 1]), (c, [1, 1])], modelKey: "m")
        var used = try await store.imagePathsInUse(["/img/shared.png", "/img/c.png", "/img/none.png"])
        XCTAssertEqual(used, ["/img/shared.png", "/img/c.png"])
        _ = try await store.remove(ids: ["a", "c"])
        used = try await store.imagePathsInUse(["/img/shared.png", "/img/c.png"])
        XCTAssertEqual(used, ["/img/shared.png"], "b still names it")
        let none = try await store.imagePathsInUse([])
        XCTAssertEqual(none, [])
    }

    static func facets(_ fixture: StoreFixture) async throws {
        let store = fixture.store
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

    static func productsKeepRequestedOrderAndSkipUnknown(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        let many = (0 ..< 1200).map { (product: product(String(format: "id%04d", $0), ["n": "\($0 % 7)"]), vector: [Float(1)]) }
        try await store.upsert(many, modelKey: "m")
        let ids = ["id1100", "nope", "id0003", "id0600"]
        let products = try await store.products(ids: ids)
        XCTAssertEqual(products.map(\.id), ["id1100", "id0003", "id0600"])
        XCTAssertEqual(products[1].attributes, ["n": "3"])
        let everything = try await store.products(ids: many.map(\.product.id))
        XCTAssertEqual(everything.count, 1200, "more ids than one SQL statement takes")
        let sorted = try await store.allProductIDs()
        XCTAssertEqual(sorted, many.map(\.product.id))
    }

    static func modelKeysAreIsolated(_ fixture: StoreFixture) async throws {
        let store = fixture.store
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

    static func importRunsFailuresStatsAndSettings(_ fixture: StoreFixture) async throws {
        let store = fixture.store
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
        XCTAssertEqual(runs[0].source, "/data/photos")
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
        do {
            try await store.recordFailures([ImportFailure(runID: 998, item: "x", reason: "y")])
            XCTFail("failures of an unknown run must be refused")
        } catch let error as CatalogStoreError {
            XCTAssertEqual(error, .unknownImportRun(id: 998))
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

    /// A product with a predictable title and image path.
    /// Additional images round-trip with their vectors; a changed or dropped image loses its vector (of every
    /// model key), a product written again without image vectors keeps those that still fit, and removing a
    /// product removes its images.
    static func additionalImages(_ fixture: StoreFixture) async throws {
        let store = fixture.store
        var bag = product("bag", ["color": "brown"], hash: "front")
        bag.images = [ProductPhoto(position: 1, imagePath: "/images/bag-side.jpg", contentHash: "side"),
                      ProductPhoto(position: 3, imagePath: "/images/bag-top.jpg", contentHash: "top")]
        try await store.upsert([UpsertItem(product: bag, vector: [1, 0, 0], imageVectors: [[0, 1, 0], [0, 0, 1]]),
                                UpsertItem(product: product("tee", hash: "tee"), vector: [0.5, 0.5, 0])], modelKey: "m")
        try await store.upsert([UpsertItem(product: bag, vector: [1, 0, 0], imageVectors: [[0, 1, 0], [0, 0, 1]])], modelKey: "other")
        let loaded = try await fixture.reopen().product(id: "bag")
        XCTAssertEqual(loaded?.images, bag.images)
        XCTAssertEqual(loaded?.imagePath(at: 3), "/images/bag-top.jpg")
        let table = try await store.loadImageVectors(modelKey: "m")
        XCTAssertEqual(table.productIDs, ["bag", "bag"])
        XCTAssertEqual(table.positions, [1, 3])
        XCTAssertEqual(table.dimension, 3)
        XCTAssertEqual(table.vectors, [0, 1, 0, 0, 0, 1])
        let hashes = try await store.imageContentHashes(modelKey: "m")
        XCTAssertEqual(hashes, ["bag": [1: "side", 3: "top"]])
        let primaries = try await store.loadVectors(modelKey: "m")
        XCTAssertEqual(primaries.ids, ["bag", "tee"], "additional images are no products")
        let counted = try await store.stats().vectorsByModelKey["m"]
        XCTAssertEqual(counted, 2)
        let used = try await store.imagePathsInUse(["/images/bag-top.jpg", "/images/gone.jpg"])
        XCTAssertEqual(used, ["/images/bag-top.jpg"])

        // Image 3 changes and image 1 goes: written again without image vectors, only what still fits stays.
        bag.images = [ProductPhoto(position: 3, imagePath: "/images/bag-top.jpg", contentHash: "new top")]
        try await store.upsert([(bag, [1, 0, 0])], modelKey: "m")
        let kept = try await store.loadImageVectors(modelKey: "m")
        XCTAssertEqual(kept.count, 0, "a changed image's vector is not kept")
        let otherModel = try await store.loadImageVectors(modelKey: "other")
        XCTAssertEqual(otherModel.count, 0, "nor under any other model key")
        try await store.upsert([UpsertItem(product: bag, vector: [1, 0, 0], imageVectors: [[0, 0.5, 0.5]])], modelKey: "m")
        let replaced = try await store.loadImageVectors(modelKey: "m")
        XCTAssertEqual(replaced.positions, [3])

        // Invalid images are refused with the batch.
        var twice = bag
        twice.images.append(ProductPhoto(position: 3, imagePath: nil, contentHash: "x"))
        do {
            try await store.upsert([UpsertItem(product: twice, vector: [1, 0, 0], imageVectors: [[1, 0, 0], [0, 1, 0]])], modelKey: "m")
            XCTFail("an image position given twice must be refused")
        } catch let error as CatalogStoreError {
            guard case .invalidProduct(id: "bag", _) = error else { return XCTFail("\(error)") }
        }
        do {
            try await store.upsert([UpsertItem(product: bag, vector: [1, 0, 0], imageVectors: [[1, 0]])], modelKey: "m")
            XCTFail("an image vector of another length must be refused")
        } catch let error as CatalogStoreError {
            guard case .dimensionMismatch = error else { return XCTFail("\(error)") }
        }

        let removed = try await store.remove(ids: ["bag"])
        XCTAssertEqual(removed, 1)
        let none = try await store.loadImageVectors(modelKey: "m")
        XCTAssertEqual(none.count, 0)
        let images = try await fixture.rowCount("product_images")
        XCTAssertEqual(images, 0)
    }

    static func product(_ id: String, _ attributes: [String: String] = [:], hash: String? = nil) -> Product {
        Product(id: id, title: "Title of \(id)", attributes: attributes, imagePath: "/images/\(id).jpg", contentHash: hash)
    }
}
