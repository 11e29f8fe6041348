import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// The `k` nearest products by pgvector's HNSW index (cosine) or an exact scan (Euclidean, or a
    /// filter so narrow that the planner prefers it), filters and exclusions in the same statement.
    /// Runs on the read replica when the store has one.
    public func nearest(to vector: [Float], k: Int, filters: [String: [String]], excluding: Set<String>,
                        modelKey: String, distance: VectorDistance) async throws -> [VectorHit] {
        guard k > 0, let model = try await storedModel(modelKey, on: reader) else { return [] }
        guard vector.count == model.dimension else {
            throw CatalogStoreError.dimensionMismatch(id: "(query)", modelKey: modelKey, expected: model.dimension, found: vector.count)
        }
        let type = "halfvec(\(model.dimension))"
        let operation = distance == .cosine ? "<=>" : "<->"
        var bindings = PostgresBindings()
        bindings.append(vector)
        var conditions = ["model_id = \(model.id)"]
        for key in filters.keys.sorted() {
            guard let values = filters[key] else { continue }
            bindings.append(key)
            let keyIndex = bindings.count
            bindings.append(values)
            conditions.append("(attributes ->> $\(keyIndex)) = ANY($\(bindings.count)::text[])")
        }
        if !excluding.isEmpty {
            bindings.append(excluding.sorted())
            conditions.append("product_id <> ALL($\(bindings.count)::text[])")
        }
        let sql = """
            SELECT product_id, (embedding::\(type) \(operation) $1::real[]::\(type))::float8
            FROM vectors WHERE \(conditions.joined(separator: " AND "))
            ORDER BY embedding::\(type) \(operation) $1::real[]::\(type) LIMIT \(k)
            """
        let rows = try await query("searching the vectors of model \(modelKey)", PostgresQuery(unsafeSQL: sql, binds: bindings), on: reader)
        var hits = try rows.map { row -> VectorHit in
            let (id, value) = try row.decode((String, Double).self)
            return VectorHit(id: id, score: distance == .cosine ? Float(1 - value) : Float(value))
        }
        // Iterative scans (relaxed order) may hand rows back slightly out of order.
        hits.sort { a, b in
            a.score != b.score ? (distance == .cosine ? a.score > b.score : a.score < b.score) : a.id < b.id
        }
        return hits
    }

    /// The stored vector of a product under `modelKey`, or nil (read from the replica when there is one).
    public func vector(for id: String, modelKey: String) async throws -> [Float]? {
        guard let model = try await storedModel(modelKey, on: reader) else { return nil }
        let rows = try await query("reading the vector of \(id)", """
            SELECT halfvec_send(embedding) FROM vectors WHERE model_id = \(model.id) AND product_id = \(id)
            """, on: reader)
        guard let bytes = try rows.first?.decode(ByteBuffer.self) else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(model.dimension)
        try Self.appendHalfvec(bytes, dimension: model.dimension, id: id, modelKey: modelKey, to: &vector)
        return vector
    }

    /// How many vectors are stored under `modelKey` (on the replica when there is one).
    public func vectorCount(modelKey: String) async throws -> Int {
        try await query("counting vectors", """
            SELECT count(*) FROM vectors v JOIN models m ON m.id = v.model_id WHERE m.model_key = \(modelKey)
            """, on: reader).first?.decode(Int.self) ?? 0
    }
}
