import Catalog
import PostgresNIO

extension PostgresCatalogStore {
    /// Drops the HNSW index of a model key before a bulk load: building the graph once afterwards
    /// (`buildVectorIndex`) is much faster than inserting into it row by row. Until then searches of
    /// that model key scan every vector (exact, slower).
    public func dropVectorIndex(modelKey: String) async throws {
        guard let model = try await storedModel(modelKey, on: client) else { return }
        try await query("dropping the vector index of \(modelKey)", PostgresQuery(unsafeSQL: "DROP INDEX IF EXISTS \(model.indexName)"))
    }

    /// (Re)creates the HNSW index of a model key if it is missing, then refreshes the planner's statistics
    /// (after a bulk load they would otherwise wait for autovacuum); returns whether it built one.
    @discardableResult
    public func buildVectorIndex(modelKey: String) async throws -> Bool {
        guard let model = try await storedModel(modelKey, on: client), model.dimension <= 4000 else { return false }
        let existing = try await read("looking for the vector index of \(modelKey)", """
            SELECT 1 FROM pg_indexes WHERE indexname = \(model.indexName) AND schemaname = current_schema()
            """)
        guard existing.isEmpty else { return false }
        // pgvector builds the graph fast while it fits in maintenance_work_mem (a halfvec and its
        // neighbour lists, ~2 bytes per dimension + 1 KB per row) and much slower once it spills.
        let rows = try await read("counting the vectors of \(modelKey)", "SELECT count(*) FROM vectors WHERE model_id = \(model.id)")
            .first?.decode(Int.self) ?? 0
        let megabytes = min(max(64, rows * (model.dimension * 2 + 1024) * 5 / 4 / 1_048_576), 4096)
        let logger = self.logger
        try await transaction("building the vector index of \(modelKey)", bulk: true) { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "SET LOCAL maintenance_work_mem = '\(megabytes)MB'"), logger)
            try await connection.rows(PostgresQuery(unsafeSQL: """
                CREATE INDEX IF NOT EXISTS \(model.indexName) ON vectors
                USING hnsw ((embedding::halfvec(\(model.dimension))) halfvec_cosine_ops) WHERE model_id = \(model.id)
                """), logger)
        }
        try await query("refreshing the planner's statistics", "ANALYZE vectors, product_attributes")
        return true
    }
}
