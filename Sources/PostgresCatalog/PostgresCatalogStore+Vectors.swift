import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// id → hash of the image each stored vector of `modelKey` was computed from.
    public func contentHashes(modelKey: String) async throws -> [String: String] {
        let rows = try await read("reading content hashes", """
            SELECT v.product_id, v.content_hash FROM vectors v JOIN models m ON m.id = v.model_id
            WHERE m.model_key = \(modelKey) AND v.position = 0 AND v.content_hash IS NOT NULL
            """)
        var hashes: [String: String] = [:]
        hashes.reserveCapacity(rows.count)
        for row in rows {
            let (id, hash) = try row.decode((String, String).self)
            hashes[id] = hash
        }
        return hashes
    }

    /// Every vector of `modelKey` with ids and attributes, rows sorted by id (for exact or in-memory search,
    /// evaluation and `lookalike migrate`; searches themselves run in the database).
    public func loadVectors(modelKey: String) async throws -> VectorTable {
        guard let model = try await storedModel(modelKey, on: client) else {
            return VectorTable(modelKey: modelKey, ids: [], attributes: [], dimension: 0, vectors: [])
        }
        let logger = self.logger
        let expected = try await read("counting the vectors of model \(modelKey)",
                                       "SELECT count(*) FROM vectors WHERE model_id = \(model.id) AND position = 0").first?.decode(Int.self) ?? 0
        // Rows are decoded as they stream in: a 1M catalog never holds its halfvec bytes and its floats at once.
        let (ids, vectors) = try await transaction("loading the vectors of model \(modelKey)", bulk: true) { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT product_id, halfvec_send(embedding) FROM vectors WHERE model_id = \(model.id) AND position = 0 ORDER BY product_id COLLATE "C"
                """), logger: logger)
            var ids: [String] = [], vectors: [Float] = []
            ids.reserveCapacity(expected)
            vectors.reserveCapacity(expected * model.dimension)
            for try await row in rows {
                let (id, bytes) = try row.decode((String, ByteBuffer).self)
                try Self.appendHalfvec(bytes, dimension: model.dimension, id: id, modelKey: modelKey, to: &vectors)
                ids.append(id)
            }
            return (ids, vectors)
        }
        let rowOfID = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var attributes = [[String: String]](repeating: [:], count: ids.count)
        let attributeRows = try await read("loading the attributes of model \(modelKey)", PostgresQuery(unsafeSQL: """
            SELECT a.product_id, a.key, a.value FROM product_attributes a
            JOIN vectors v ON v.product_id = a.product_id AND v.model_id = \(model.id) AND v.position = 0
            """))
        for row in attributeRows {
            let (id, key, value) = try row.decode((String, String, String).self)
            if let index = rowOfID[id] { attributes[index][key] = value }
        }
        return VectorTable(modelKey: modelKey, ids: ids, attributes: attributes, dimension: model.dimension, vectors: vectors)
    }

    /// The `models` row of a model key (cached), or nil when nothing was ever stored under it.
    func storedModel(_ modelKey: String, on client: PostgresClient) async throws -> StoredModel? {
        if let cached = models.get(modelKey) { return cached }
        let rows = try await read("looking up model \(modelKey)",
                                   "SELECT id, dimension FROM models WHERE model_key = \(modelKey)", on: client)
        guard let row = rows.first else { return nil }
        let (id, dimension) = try row.decode((Int, Int).self)
        let model = StoredModel(id: id, dimension: dimension)
        models.set(modelKey, model)
        return model
    }

    /// Appends the floats of pgvector's binary halfvec (`halfvec_send`: int16 dimension, int16 unused,
    /// then big-endian half floats) to `vectors`.
    static func appendHalfvec(_ bytes: ByteBuffer, dimension: Int, id: String, modelKey: String, to vectors: inout [Float]) throws {
        var bytes = bytes
        guard let stored = bytes.readInteger(endianness: .big, as: Int16.self), bytes.readInteger(as: Int16.self) != nil else {
            throw CatalogStoreError.corruptVector(id: id, modelKey: modelKey, expectedBytes: 4 + 2 * dimension, foundBytes: bytes.readableBytes)
        }
        guard Int(stored) == dimension else {
            throw CatalogStoreError.dimensionMismatch(id: id, modelKey: modelKey, expected: dimension, found: Int(stored))
        }
        guard bytes.readableBytes == 2 * dimension else {
            throw CatalogStoreError.corruptVector(id: id, modelKey: modelKey, expectedBytes: 4 + 2 * dimension, foundBytes: 4 + bytes.readableBytes)
        }
        bytes.withUnsafeReadableBytes { raw in
            for index in 0 ..< dimension {
                let half = UInt16(raw[2 * index]) << 8 | UInt16(raw[2 * index + 1])
                vectors.append(Float16Codec.float(fromHalfBits: half))
            }
        }
    }
}
