import Foundation
import GRDB

extension SQLiteCatalogStore {
    /// Writes the batch (products, attributes, additional images, vectors) in one transaction; any invalid
    /// item rolls back all of it.
    public func upsert(_ items: [UpsertItem], modelKey: String) async throws {
        guard !items.isEmpty else { return }
        try await write("storing \(items.count) products") { db in
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
            if let imageVectors = item.imageVectors { try writeImageVectors(item.product, imageVectors, modelKey: modelKey, in: db) }
        }
    }

    /// Replaces the vectors of `modelKey` of a product's additional images (one per `product.images`, in order).
    static func writeImageVectors(_ product: Product, _ vectors: [[Float]], modelKey: String, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM image_vectors WHERE product_id = ? AND model_key = ?")
            .execute(arguments: [product.id, modelKey])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO image_vectors (product_id, position, model_key, dimension, content_hash, vector) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for (photo, vector) in zip(product.images, vectors) {
            try insert.execute(arguments: [product.id, photo.position, modelKey, vector.count, photo.contentHash,
                                           Float16Codec.encode(vector)])
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
                try CatalogValidation.validateImages(of: UpsertItem(product: product, vector: []), dimension: 0, modelKey: "")
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
        try db.cachedStatement(sql: "DELETE FROM product_images WHERE product_id = ?").execute(arguments: [product.id])
        let insertImage = try db.cachedStatement(sql: """
            INSERT INTO product_images (product_id, position, image_path, content_hash) VALUES (?, ?, ?, ?)
            """)
        for photo in product.images {
            try insertImage.execute(arguments: [product.id, photo.position, photo.imagePath, photo.contentHash])
        }
        // Vectors (of any model) of images the product no longer has, or whose content changed, go.
        try db.cachedStatement(sql: """
            DELETE FROM image_vectors WHERE product_id = ? AND NOT EXISTS (
                SELECT 1 FROM product_images p WHERE p.product_id = image_vectors.product_id
                AND p.position = image_vectors.position AND p.content_hash IS image_vectors.content_hash)
            """).execute(arguments: [product.id])
    }
}
