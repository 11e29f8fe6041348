@testable import Catalog
import Foundation
import GRDB
import TestSupport
import XCTest

/// Item signatures in their own table: written with the product in one transaction, removed with it, and
/// moved out of the vectors table in catalogs that keep them there.
final class ItemSignatureStoreTests: TimedTestCase {
    private func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-signatures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func testSignaturesAreWrittenWithTheProductAndGoWithIt() async throws {
        let (store, _) = try makeStore()
        try await store.upsert([(product("a", hash: "h1"), [1, 0, 0], [0.5, 0.25]), (product("b", hash: "h2"), [0, 1, 0], [0.125, 1])],
                               modelKey: "m")
        let stored = try await store.itemSignatures()
        XCTAssertEqual(stored, [StoredItemSignature(productID: "a", contentHash: "h1", values: [0.5, 0.25]),
                                StoredItemSignature(productID: "b", contentHash: "h2", values: [0.125, 1])])
        let hashes = try await store.itemSignatureHashes(), vectors = try await store.stats().vectorsByModelKey
        XCTAssertEqual(hashes, ["a": "h1", "b": "h2"])
        XCTAssertEqual(vectors, ["m": 2])

        // One transaction: a bad signature leaves neither the product nor its vector behind.
        do {
            try await store.upsert([(product("c", hash: "h3"), [0, 0, 1], [Float.nan, 0])], modelKey: "m")
            XCTFail("a NaN signature must be refused")
        } catch let error as CatalogStoreError {
            XCTAssertTrue(error.description.contains("\"c\""), error.description)
        }
        let refused = try await store.product(id: "c"), count = try await store.count()
        XCTAssertNil(refused)
        XCTAssertEqual(count, 2)

        let removed = try await store.remove(ids: ["a"]), left = try await store.itemSignatures()
        XCTAssertEqual(removed, 1)
        XCTAssertEqual(left.map(\.productID), ["b"], "removing a product removes its signature")
        do {
            try await store.storeItemSignatures([StoredItemSignature(productID: "nope", contentHash: nil, values: [1])])
            XCTFail("a signature without its product must be refused")
        } catch {}
    }

    func testACatalogWithSignaturesAmongTheVectorsHasThemMoved() async throws {
        let path = try folder().appendingPathComponent("old.db").path
        // A catalog at schema v1, which keeps item signatures as the vectors of a model key.
        let queue = try DatabaseQueue(path: path)
        try SQLiteCatalogStore.migrator.migrate(queue, upTo: "v1-settings")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO products (id, title, content_hash, created_at, updated_at) VALUES ('p', 'P', 'h', 0, 0);
                """)
            try db.execute(sql: "INSERT INTO vectors (product_id, model_key, dimension, content_hash, vector) VALUES (?, ?, ?, ?, ?)",
                           arguments: ["p", "item-signature/grey32@1", 2, "h", Float16Codec.encode([0.5, -1])])
            try db.execute(sql: "INSERT INTO vectors (product_id, model_key, dimension, content_hash, vector) VALUES (?, ?, ?, ?, ?)",
                           arguments: ["p", "model-x", 3, "h", Float16Codec.encode([1, 0, 0])])
        }
        try queue.close()
        let store = try SQLiteCatalogStore(path: path)
        let moved = try await store.itemSignatures(), vectors = try await store.stats().vectorsByModelKey
        XCTAssertEqual(moved, [StoredItemSignature(productID: "p", contentHash: "h", values: [0.5, -1])])
        XCTAssertEqual(vectors, ["model-x": 1], "the model's vectors stay, the signatures left")
    }
}
