import Foundation
import Search
import Service

extension SearchOptions {
    /// The search service over `catalog` with the model of `model` and these options' storage, metric
    /// and index kind; an HNSW graph lives beside a SQLite catalog file (`catalog.db` → `catalog.hnsw`). With `readDB`
    /// (PostgreSQL only) searches go to that replica.
    func service(catalog: CatalogOptions, model: ModelOptions, readDB: String? = nil) async throws -> SearchService {
        try await SearchService(store: catalog.open(readDB: readDB), embedder: model.load(), storage: storage, metric: metric,
                                kind: index, hnswFile: catalog.hnswFile, log: { printError("lookalike: \($0)") })
    }
}

extension CatalogOptions {
    /// Where the HNSW graph of a SQLite catalog is kept (nil for PostgreSQL, which indexes in the database).
    var hnswFile: URL? { isPostgres ? nil : HNSWIndex.fileURL(besideCatalogAt: URL(fileURLWithPath: db).standardized) }
}
