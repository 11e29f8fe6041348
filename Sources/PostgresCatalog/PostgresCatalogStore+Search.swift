import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// The `k` nearest images (a product's primary and additional ones: a product can come back more than
    /// once, with each of its images), filters and exclusions in the same statement, on the read replica when
    /// the store has one. Unfiltered cosine searches walk pgvector's HNSW index. A filter that matches at
    /// most `exact_filter_limit` products (counted first, bounded) scans exactly those rows, found through
    /// the GIN index on the attributes; a wider one walks the graph with an iterative scan, which keeps
    /// going until k rows pass. Euclidean searches are exact scans.
    public func nearest(to vector: [Float], k: Int, filters: [String: [String]], excluding: Set<String>,
                        modelKey: String, distance: VectorDistance) async throws -> [VectorHit] {
        guard k > 0, let model = try await storedModel(modelKey, on: reader) else { return [] }
        guard vector.count == model.dimension else {
            throw CatalogStoreError.dimensionMismatch(id: "(query)", modelKey: modelKey, expected: model.dimension, found: vector.count)
        }
        let keys = filters.keys.sorted()
        guard keys.allSatisfy({ !(filters[$0] ?? []).isEmpty }) else { return [] }  // a key allowing no value
        let exact = keys.isEmpty ? false : try await filterIsNarrow(filters, keys: keys)
        let type = "halfvec(\(model.dimension))"
        let operation = distance == .cosine ? "<=>" : "<->"
        var bindings = PostgresBindings()
        bindings.append(vector)
        var conditions = ["model_id = \(model.id)"]
        for key in keys {
            let values = filters[key] ?? []
            if exact {  // `attributes @> {"key": "value"}`, OR over the values: the GIN index answers it
                bindings.append(key)
                let keyIndex = bindings.count
                let matches = values.map { value -> String in
                    bindings.append(value)
                    return "attributes @> jsonb_build_object($\(keyIndex)::text, $\(bindings.count)::text)"
                }
                conditions.append("(" + matches.joined(separator: " OR ") + ")")
            } else {  // a per-row check while walking the graph
                bindings.append(key)
                let keyIndex = bindings.count
                bindings.append(values)
                conditions.append("(attributes ->> $\(keyIndex)) = ANY($\(bindings.count)::text[])")
            }
        }
        if !excluding.isEmpty {
            bindings.append(excluding.sorted())
            conditions.append("product_id <> ALL($\(bindings.count)::text[])")
        }
        let distanceSQL = "embedding::\(type) \(operation) $1::real[]::\(type)"
        let sql = exact
            // OFFSET 0 keeps the filtered rows a subquery of their own, so they are never read through the graph.
            ? """
              SELECT product_id, position, distance::float8 FROM (
                  SELECT product_id, position, \(distanceSQL) AS distance FROM vectors WHERE \(conditions.joined(separator: " AND ")) OFFSET 0
              ) matching ORDER BY distance LIMIT \(k)
              """
            : """
              SELECT product_id, position, (\(distanceSQL))::float8
              FROM vectors WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(distanceSQL) LIMIT \(k)
              """
        let rows = try await read("searching the vectors of model \(modelKey)", PostgresQuery(unsafeSQL: sql, binds: bindings), on: reader)
        var hits = try rows.map { row -> VectorHit in
            let (id, position, value) = try row.decode((String, Int, Double).self)
            return VectorHit(id: id, score: distance == .cosine ? Float(1 - value) : Float(value), image: position)
        }
        // Iterative scans (relaxed order) may hand rows back slightly out of order.
        hits.sort { a, b in
            a.score != b.score ? (distance == .cosine ? a.score > b.score : a.score < b.score)
                : a.id != b.id ? a.id < b.id : a.image < b.image
        }
        return hits
    }

    /// Whether the products matching `filters` number at most `exact_filter_limit`: each key's matches are
    /// counted in the attribute index, stopping one past the limit, and the smallest count bounds them all.
    private func filterIsNarrow(_ filters: [String: [String]], keys: [String]) async throws -> Bool {
        let limit = url.exactFilterLimit
        guard limit > 0 else { return false }
        var bindings = PostgresBindings()
        let counts = keys.map { key -> String in
            bindings.append(key)
            bindings.append(filters[key] ?? [])
            return """
                (SELECT count(*) FROM (SELECT 1 FROM product_attributes WHERE key = $\(bindings.count - 1) \
                AND value = ANY($\(bindings.count)::text[]) LIMIT \(limit + 1)) counted)
                """
        }
        let sql = counts.count == 1 ? "SELECT \(counts[0])" : "SELECT least(\(counts.joined(separator: ", ")))"
        let matching = try await read("counting the products a filter keeps", PostgresQuery(unsafeSQL: sql, binds: bindings), on: reader)
            .first?.decode(Int.self) ?? 0
        return matching <= limit
    }

    /// The stored vector of a product under `modelKey`, or nil (read from the replica when there is one).
    public func vector(for id: String, modelKey: String) async throws -> [Float]? {
        guard let model = try await storedModel(modelKey, on: reader) else { return nil }
        let rows = try await read("reading the vector of \(id)", """
            SELECT halfvec_send(embedding) FROM vectors WHERE model_id = \(model.id) AND product_id = \(id) AND position = 0
            """, on: reader)
        guard let bytes = try rows.first?.decode(ByteBuffer.self) else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(model.dimension)
        try Self.appendHalfvec(bytes, dimension: model.dimension, id: id, modelKey: modelKey, to: &vector)
        return vector
    }

    /// The stored vectors of all of a product's images under `modelKey`, primary first (on the replica when there is one).
    public func vectors(for id: String, modelKey: String) async throws -> [(image: Int, vector: [Float])] {
        guard let model = try await storedModel(modelKey, on: reader) else { return [] }
        let rows = try await read("reading the vectors of \(id)", """
            SELECT position, halfvec_send(embedding) FROM vectors WHERE model_id = \(model.id) AND product_id = \(id) ORDER BY position
            """, on: reader)
        return try rows.map { row in
            let (position, bytes) = try row.decode((Int, ByteBuffer).self)
            var vector: [Float] = []
            vector.reserveCapacity(model.dimension)
            try Self.appendHalfvec(bytes, dimension: model.dimension, id: id, modelKey: modelKey, to: &vector)
            return (image: position, vector: vector)
        }
    }

    /// How many products have a vector under `modelKey` (on the replica when there is one).
    public func vectorCount(modelKey: String) async throws -> Int {
        try await read("counting vectors", """
            SELECT count(*) FROM vectors v JOIN models m ON m.id = v.model_id WHERE m.model_key = \(modelKey) AND v.position = 0
            """, on: reader).first?.decode(Int.self) ?? 0
    }
}
