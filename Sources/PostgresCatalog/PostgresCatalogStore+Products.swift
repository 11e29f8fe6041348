import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// The product with this id, or nil.
    public func product(id: String) async throws -> Product? {
        try await products(ids: [id]).first
    }

    /// The products with these ids that exist, in the order of `ids`.
    public func products(ids: [String]) async throws -> [Product] {
        guard !ids.isEmpty else { return [] }
        let rows = try await read("reading products", """
            SELECT id, title, image_path, content_hash, created_at, updated_at FROM products WHERE id = ANY(\(ids)::text[])
            """)
        var found: [String: Product] = [:]
        for row in rows {
            let (id, title, imagePath, contentHash, createdAt, updatedAt) =
                try row.decode((String, String, String?, String?, Date, Date).self)
            found[id] = Product(id: id, title: title, imagePath: imagePath, contentHash: contentHash,
                                createdAt: createdAt, updatedAt: updatedAt)
        }
        let attributes = try await read("reading product attributes", """
            SELECT product_id, key, value FROM product_attributes WHERE product_id = ANY(\(ids)::text[])
            """)
        for row in attributes {
            let (id, key, value) = try row.decode((String, String, String).self)
            found[id]?.attributes[key] = value
        }
        let images = try await read("reading product images", """
            SELECT product_id, position, image_path, content_hash FROM product_images WHERE product_id = ANY(\(ids)::text[])
            ORDER BY product_id, position
            """)
        for row in images {
            let (id, position, path, hash) = try row.decode((String, Int, String?, String?).self)
            found[id]?.images.append(ProductPhoto(position: position, imagePath: path, contentHash: hash))
        }
        return ids.compactMap { found[$0] }
    }

    /// Removes products with their attributes and vectors; returns how many existed. A thousand ids per
    /// statement, so pruning a large catalog stays within each statement's deadline.
    public func remove(ids: [String]) async throws -> Int {
        var removed = 0
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let chunk = Array(ids[start ..< min(start + 1000, ids.count)])
            removed += try await query("removing products", "DELETE FROM products WHERE id = ANY(\(chunk)::text[]) RETURNING 1").count
        }
        return removed
    }

    /// Those of `paths` that some product's image path still names.
    public func imagePathsInUse(_ paths: [String]) async throws -> Set<String> {
        var used = Set<String>()
        for start in stride(from: 0, to: paths.count, by: 1000) {
            let chunk = Array(paths[start ..< min(start + 1000, paths.count)])
            let rows = try await read("looking up image paths",
                                      """
                                      SELECT image_path FROM products WHERE image_path = ANY(\(chunk)::text[])
                                      UNION SELECT image_path FROM product_images WHERE image_path = ANY(\(chunk)::text[])
                                      """)
            for row in rows { used.insert(try row.decode(String.self)) }
        }
        return used
    }

    /// Every product id, sorted by code point (as SQLite sorts them, whatever the database's collation).
    public func allProductIDs() async throws -> [String] {
        try await read("listing product ids", #"SELECT id FROM products ORDER BY id COLLATE "C""#)
            .map { try $0.decode(String.self) }
    }

    /// Number of products.
    public func count() async throws -> Int {
        try await read("counting products", "SELECT count(*) FROM products").first?.decode(Int.self) ?? 0
    }
}
