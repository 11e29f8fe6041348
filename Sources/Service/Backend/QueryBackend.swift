import Catalog
import Search

/// Where a catalog's vectors are searched; one implementation per backend, and `SearchService` runs the
/// same query pipeline (photo → views → vector → ranking → products) over either:
/// `InMemoryBackend` holds a SQLite catalog's vectors in an exact or HNSW index, with the tuned space,
/// query expansion, label consensus and item verification; `DatabaseBackend` searches PostgreSQL +
/// pgvector in the database. An option a backend cannot honour is an error, never ignored.
///
/// Every image of a product (the primary one and its additional images) has a vector; a backend ranks
/// products, each once, by their best image, and says which image that was.
public protocol QueryBackend: Sendable {
    /// Exact or HNSW, as resolved for this catalog.
    var indexKind: VectorIndexKind { get }
    /// Products searchable now.
    var count: Int { get }
    /// The catalog-tuned similarity, when this backend ranks in the tuned space.
    var tuning: TunedSimilarity? { get }
    /// Exact-item verification of photo queries, when the catalog has item signatures.
    var verification: ItemVerification? { get }

    /// Throws for a request this backend cannot answer as asked.
    func checkSupported(_ request: SearchRequest) throws
    /// The request's `k` best products for a raw `vector`, ranked in `space` with `expansion` and `consensus`:
    /// each product once, scored by its best image.
    func nearest(_ vector: [Float], request: SearchRequest, space: SimilaritySpace, expansion: QueryExpansion?,
                 consensus: LabelConsensus?) async throws -> [ProductHit]
    /// The request's `k` best product ids for a photo's raw vector and item signatures (`ItemVerification`,
    /// primary images only).
    func verified(_ vector: [Float], signatures: [[Float]], request: SearchRequest) throws -> [(id: String, score: Float)]
    /// The stored vector of a product's primary image, nil when it has none.
    func vector(for id: String) async throws -> [Float]?
    /// The stored vectors of all of a product's images (primary first, as `image` 0), empty when it has none.
    func vectors(for id: String) async throws -> [(image: Int, vector: [Float])]
    /// Makes a product just stored searchable: its primary image's vector, one vector per `product.images`
    /// (they replace those it had) and its item signature, when the catalog keeps them.
    func added(_ product: Product, vector: [Float], imageVectors: [[Float]], signature: [Float]?)
    /// Forgets products just removed from the store, with all their images.
    func removed(_ ids: [String])
}
