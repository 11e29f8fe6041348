import Foundation
import GRDB

extension SQLiteCatalogStore {
    /// Writes the batch (products, attributes, vectors) in one transaction; any invalid item rolls back all of it.
    public func upsert(_ batch: [(product: Product, vector: [Float])], modelKey: String) async throws {
        guard !batch.isEmpty else { return }
        let items = batch.map { UpsertItem(product: $0.product, vector: $0.vector) }
        try await write("storing \(batch.count) products") { db in
            // Everything below runs in one transaction: a throw anywhere rolls back the whole batch.
            try Self.writeVectors(items, modelKey: modelKey, in: db)
        }
    }

    /// Writes products, their attributes and their vectors of `modelKey`, inside the caller's transaction.
    static func writeVectors(_ items: [UpsertItem], modelKey: String, in db: Database) throws {
        let stored = try Int.fetchOne(db, sql: "SELECT dimension FROM vectors WHERE model_key = ? LIMIT 1", arguments: [modelKey])
        // Same checks, in the same order, as the PostgreSQL store.
        try CatalogValidation.validate(items, modelKey: modelKey, storedDimension: stored)
        let vectorStatement = try db.cachedStatement(sql: """
            INSERT INTO vectors (product_id, model_key, dimension, content_hash, vector) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(product_id, model_key) DO UPDATE SET
                dimension = excluded.dimension, content_hash = excluded.content_hash, vector = excluded.vector
            """)
        for item in items {
            try writeProduct(item.product, in: db)
            try vectorStatement.execute(arguments: [item.product.id, modelKey, item.vector.count,
                                                    item.product.contentHash, Float16Codec.encode(item.vector)])
        }
    }

    /// Inserts or updates products and their attributes without touching any vector, in one transaction.
    ///
    /// For re-imports: an item whose image is unchanged still gets its new title and attributes.
    public func upsertProducts(_ products: [Product]) async throws {
        guard !products.isEmpty else { return }
        try await write("storing \(products.count) products") { db in
            for product in products {
                try CatalogValidation.validate(product)
                try Self.writeProduct(product, in: db)
            }
        }
    }

    static func writeProduct(_ product: Product, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO products (id, title, image_path, content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                title = excluded.title, image_path = excluded.image_path,
                content_hash = excluded.content_hash, updated_at = excluded.updated_at
            """).execute(arguments: [product.id, product.title, product.imagePath, product.contentHash,
                                     product.createdAt, product.updatedAt])
        try db.cachedStatement(sql: "DELETE FROM product_attributes WHERE product_id = ?")
            .execute(arguments: [product.id])
        let insertAttribute = try db.cachedStatement(sql: """
            INSERT INTO product_attributes (product_id, key, value) VALUES (?, ?, ?)
            """)
        for (key, value) in product.attributes where !key.isEmpty && !value.isEmpty {
            try insertAttribute.execute(arguments: [product.id, key, value])
        }
    }
}
