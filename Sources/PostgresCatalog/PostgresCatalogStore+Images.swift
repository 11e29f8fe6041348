import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// product id → position → content hash of the additional images that have a vector under `modelKey`.
    public func imageContentHashes(modelKey: String) async throws -> [String: [Int: String]] {
        let rows = try await read("reading image content hashes", """
            SELECT v.product_id, v.position, v.content_hash FROM vectors v JOIN models m ON m.id = v.model_id
            WHERE m.model_key = \(modelKey) AND v.position > 0 AND v.content_hash IS NOT NULL
            """)
        var hashes: [String: [Int: String]] = [:]
        for row in rows {
            let (id, position, hash) = try row.decode((String, Int, String).self)
            hashes[id, default: [:]][position] = hash
        }
        return hashes
    }

    /// Every vector of `modelKey` of an additional image, rows sorted by product id then position.
    public func loadImageVectors(modelKey: String) async throws -> ImageVectorTable {
        guard let model = try await storedModel(modelKey, on: client) else { return .empty(modelKey: modelKey) }
        let logger = self.logger
        return try await transaction("loading the image vectors of model \(modelKey)", bulk: true) { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT product_id, position, halfvec_send(embedding) FROM vectors WHERE model_id = \(model.id) AND position > 0
                ORDER BY product_id COLLATE "C", position
                """), logger: logger)
            var ids: [String] = [], positions: [Int] = [], vectors: [Float] = []
            for try await row in rows {
                let (id, position, bytes) = try row.decode((String, Int, ByteBuffer).self)
                try Self.appendHalfvec(bytes, dimension: model.dimension, id: id, modelKey: modelKey, to: &vectors)
                ids.append(id)
                positions.append(position)
            }
            return ImageVectorTable(modelKey: modelKey, productIDs: ids, positions: positions,
                                    dimension: ids.isEmpty ? 0 : model.dimension, vectors: vectors)
        }
    }
}
