import Catalog
import Foundation
import PostgresCatalog

/// Writing many vectors of one model key (`migrate`, `bench fill`): into an empty PostgreSQL model of
/// 10,000 rows or more, the HNSW index is dropped after the first batch (which creates the model) and
/// built once at the end, much faster than inserting into the graph row by row.
struct BulkVectorLoad {
    let store: any CatalogStore
    let modelKey: String
    private let postgres: PostgresCatalogStore?
    private let deferIndex: Bool
    private var batches = 0

    /// A load of `count` vectors under `modelKey` into `store`.
    init(into store: any CatalogStore, modelKey: String, count: Int) async throws {
        self.store = store
        self.modelKey = modelKey
        postgres = store as? PostgresCatalogStore
        let alreadyThere = postgres == nil ? 0 : try await store.stats().vectorsByModelKey[modelKey] ?? 0
        deferIndex = postgres != nil && count >= 10_000 && alreadyThere == 0
    }

    /// Writes one batch.
    mutating func upsert(_ items: [UpsertItem]) async throws {
        try await store.upsert(items, modelKey: modelKey)
        if deferIndex, batches == 0 { try await postgres?.dropVectorIndex(modelKey: modelKey) }
        batches += 1
    }

    /// Builds the HNSW index if it is missing (also after an interrupted load that had dropped it);
    /// returns the seconds it took, or nil when nothing was built.
    func finish() async throws -> TimeInterval? {
        guard let postgres else { return nil }
        let started = Date()
        return try await postgres.buildVectorIndex(modelKey: modelKey) ? Date().timeIntervalSince(started) : nil
    }
}
