import Foundation
import GRDB

extension SQLiteCatalogStore: ItemSignatureStore {
    /// Writes products, their vectors and their item signatures in one transaction.
    public func upsert(_ batch: [(item: UpsertItem, signature: [Float])], modelKey: String) async throws {
        guard !batch.isEmpty else { return }
        let items = batch.map(\.item)
        let signatures = batch.map(\.signature)
        try await write("storing \(batch.count) products with their item signatures") { db in
            try Self.writeVectors(items, modelKey: modelKey, in: db)
            for (item, signature) in zip(items, signatures) {
                try Self.writeSignature(StoredItemSignature(productID: item.product.id, contentHash: item.product.contentHash,
                                                            values: signature), in: db)
            }
        }
    }

    /// Stores signatures of products already in the catalog, in one transaction.
    public func storeItemSignatures(_ signatures: [StoredItemSignature]) async throws {
        guard !signatures.isEmpty else { return }
        try await write("storing \(signatures.count) item signatures") { db in
            for signature in signatures {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM products WHERE id = ?", arguments: [signature.productID]) == true else {
                    throw CatalogStoreError.invalidProduct(id: signature.productID, reason: "an item signature needs its product in the catalog")
                }
                try Self.writeSignature(signature, in: db)
            }
        }
    }

    /// Every stored signature, sorted by product id.
    public func itemSignatures() async throws -> [StoredItemSignature] {
        try await read("loading item signatures") { db in
            var signatures: [StoredItemSignature] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT product_id, content_hash, dimension, signature FROM item_signatures ORDER BY product_id
                """)
            while let row = try rows.next() {
                let id: String = row[0], dimension: Int = row[2], blob: Data = row[3]
                guard blob.count == dimension * 2 else {
                    throw CatalogStoreError.corruptVector(id: id, modelKey: "item signature", expectedBytes: dimension * 2, foundBytes: blob.count)
                }
                signatures.append(StoredItemSignature(productID: id, contentHash: row[1], values: Float16Codec.decode(blob)))
            }
            return signatures
        }
    }

    /// Product id → hash of the image each signature was made from.
    public func itemSignatureHashes() async throws -> [String: String] {
        try await read("reading item signature hashes") { db in
            var hashes: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT product_id, content_hash FROM item_signatures WHERE content_hash IS NOT NULL")
            while let row = try rows.next() { hashes[row[0]] = row[1] }
            return hashes
        }
    }

    static func writeSignature(_ signature: StoredItemSignature, in db: Database) throws {
        guard !signature.values.isEmpty, signature.values.allSatisfy(\.isFinite) else {
            throw CatalogStoreError.invalidProduct(id: signature.productID, reason: "its item signature is empty or not finite")
        }
        try db.cachedStatement(sql: """
            INSERT INTO item_signatures (product_id, content_hash, dimension, signature) VALUES (?, ?, ?, ?)
            ON CONFLICT(product_id) DO UPDATE SET
                content_hash = excluded.content_hash, dimension = excluded.dimension, signature = excluded.signature
            """).execute(arguments: [signature.productID, signature.contentHash, signature.values.count,
                                     Float16Codec.encode(signature.values)])
    }
}
