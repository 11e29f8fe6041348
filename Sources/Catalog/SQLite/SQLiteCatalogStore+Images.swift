import Foundation
import GRDB

extension SQLiteCatalogStore {
    /// product id → position → content hash of the additional images that have a vector under `modelKey`.
    public func imageContentHashes(modelKey: String) async throws -> [String: [Int: String]] {
        try await read("reading image content hashes") { db in
            var hashes: [String: [Int: String]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT product_id, position, content_hash FROM image_vectors WHERE model_key = ? AND content_hash IS NOT NULL
                """, arguments: [modelKey])
            while let row = try rows.next() {
                hashes[row[0], default: [:]][row[1]] = row[2]
            }
            return hashes
        }
    }

    /// Every vector of `modelKey` of an additional image, decoded, rows sorted by product id then position.
    public func loadImageVectors(modelKey: String) async throws -> ImageVectorTable {
        try await read("loading the image vectors of model \(modelKey)") { db in
            var ids: [String] = [], positions: [Int] = [], vectors: [Float] = []
            var dimension = 0
            let rows = try Row.fetchCursor(db, sql: """
                SELECT product_id, position, dimension, vector FROM image_vectors WHERE model_key = ?
                ORDER BY product_id, position
                """, arguments: [modelKey])
            while let row = try rows.next() {
                let id: String = row[0], position: Int = row[1], rowDimension: Int = row[2], blob: Data = row[3]
                if ids.isEmpty { dimension = rowDimension }
                guard rowDimension == dimension else {
                    throw CatalogStoreError.dimensionMismatch(id: "\(id) image \(position)", modelKey: modelKey,
                                                              expected: dimension, found: rowDimension)
                }
                guard blob.count == dimension * 2 else {
                    throw CatalogStoreError.corruptVector(id: "\(id) image \(position)", modelKey: modelKey,
                                                          expectedBytes: dimension * 2, foundBytes: blob.count)
                }
                ids.append(id)
                positions.append(position)
                vectors.append(contentsOf: Float16Codec.decode(blob))
            }
            return ImageVectorTable(modelKey: modelKey, productIDs: ids, positions: positions, dimension: dimension, vectors: vectors)
        }
    }

    /// The additional images of the products in `ids`, by product, in position order (inside a read).
    static func images(of ids: ArraySlice<String>, in db: Database) throws -> [String: [ProductPhoto]] {
        var images: [String: [ProductPhoto]] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT product_id, position, image_path, content_hash FROM product_images
            WHERE product_id IN (\(databaseQuestionMarks(count: ids.count))) ORDER BY product_id, position
            """, arguments: StatementArguments(ids))
        for row in rows {
            images[row[0], default: []].append(ProductPhoto(position: row[1], imagePath: row[2], contentHash: row[3]))
        }
        return images
    }
}
