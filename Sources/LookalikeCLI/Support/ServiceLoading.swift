import Foundation
import Search
import Service

extension SearchOptions {
    /// The search service over `catalog` with the model of `model` and these options' storage, metric
    /// and index kind; an HNSW graph lives beside the catalog file (`<db>.hnsw`).
    func service(catalog: CatalogOptions, model: ModelOptions) async throws -> SearchService {
        try await SearchService(store: catalog.open(), embedder: model.load(), storage: storage, metric: metric,
                                kind: index, hnswFile: catalog.hnswFile, log: { printError("lookalike: \($0)") })
    }
}

extension CatalogOptions {
    /// Where the HNSW graph of this catalog is kept.
    var hnswFile: URL { HNSWIndex.fileURL(besideCatalogAt: URL(fileURLWithPath: db).standardized) }
}
