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

    /// (Re)creates the HNSW index of a model key if it is missing; returns whether it built one.
    @discardableResult
    public func buildVectorIndex(modelKey: String) async throws -> Bool {
        guard let model = try await storedModel(modelKey, on: client), model.dimension <= 4000 else { return false }
        let existing = try await query("looking for the vector index of \(modelKey)", """
            SELECT 1 FROM pg_indexes WHERE indexname = \(model.indexName) AND schemaname = current_schema()
            """)
        guard existing.isEmpty else { return false }
        try await query("building the vector index of \(modelKey)", PostgresQuery(unsafeSQL: """
            CREATE INDEX IF NOT EXISTS \(model.indexName) ON vectors
            USING hnsw ((embedding::halfvec(\(model.dimension))) halfvec_cosine_ops) WHERE model_id = \(model.id)
            """))
        return true
    }
}
