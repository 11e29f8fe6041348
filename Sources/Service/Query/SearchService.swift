import Catalog
import Embedding
import Foundation
import Imaging
import Search
import Synchronization

/// Answers "what in the catalog looks like this photo?" — the one query pipeline of the product, used by
/// the CLI, the web API and `eval`: a photo is cleaned up into views, embedded, and its vector ranked by the
/// catalog's `QueryBackend` (in memory for SQLite catalogs, in the database for PostgreSQL); a catalog
/// product's stored vector takes the same ranking ("more like this"); the matches are loaded from the store.
///
/// Safe for many concurrent callers. Products can be added and removed while it serves (the store and
/// the backend change together).
public final class SearchService: Sendable {
    /// Where products live.
    public let store: any CatalogStore
    /// The model that embeds queries and new products.
    public let embedder: any ImageEmbedder
    /// How scores are computed.
    public let metric: VectorMetric
    /// Where the vectors are searched.
    public let backend: any QueryBackend
    /// What the catalog's photos look like (grey? uniform background?), sampled at start: photo queries are
    /// cleaned up to match it.
    public let look: CatalogLook
    /// The attribute that names a product's variant group (`item_group_id`: a feed's item group, a Shopify
    /// handle, a WooCommerce parent).
    public static let variantGroupKey = "item_group_id"
    /// Whether some product has a variant group: then results group variants unless a request says not to.
    private let catalogHasGroups: Atomic<Bool>

    /// Searches `store`'s vectors of the embedder's model key: in the database when the store searches itself
    /// (`DatabaseVectorSearch`), else in memory (`InMemoryBackend`: `storage`, `metric`, exact or HNSW by
    /// `kind`, the graph kept at `hnswFile`; `log` hears what was done to it).
    public init(store: any CatalogStore, embedder: any ImageEmbedder, storage: VectorStorage = QueryDefaults.storage,
                metric: VectorMetric = QueryDefaults.metric, kind: VectorIndexKind = QueryDefaults.index, hnswFile: URL? = nil,
                log: ((String) -> Void)? = nil) async throws {
        self.store = store
        self.embedder = embedder
        self.metric = metric
        if let database = store as? any DatabaseVectorSearch {
            backend = try await DatabaseBackend(database: database, modelKey: embedder.modelKey, metric: metric)
        } else {
            backend = try await InMemoryBackend(store: store, modelKey: embedder.modelKey, dimension: embedder.dimension,
                                                storage: storage, metric: metric, kind: kind, hnswFile: hnswFile, log: log)
        }
        look = try await CatalogLook.sample(store: store, ids: try await store.allProductIDs(), embedder: embedder)
        catalogHasGroups = Atomic(try await Self.hasVariantGroups(store))
    }

    /// Whether some product of `store` has a variant group.
    static func hasVariantGroups(_ store: any CatalogStore) async throws -> Bool {
        try await store.facets(keys: [variantGroupKey], limit: 1).contains { $0.key == variantGroupKey && $0.distinctValues > 0 }
    }

    /// Whether a request's results show each variant group once: its own choice, else on when the catalog has groups.
    public func groupsVariants(_ request: SearchRequest) -> Bool {
        request.groupVariants ?? catalogHasGroups.load(ordering: .relaxed)
    }

    /// The catalog-tuned similarity (`lookalike tune`), when the backend ranks in the tuned space.
    public var tuning: TunedSimilarity? { backend.tuning }
    /// Exact-item verification of photo queries (`cleanup=…+verify`), when the catalog has item signatures
    /// (`index --item-signatures`); kept up to date by `add` and `remove`.
    public var verification: ItemVerification? { backend.verification }
    /// Exact or HNSW, as resolved for this catalog (HNSW for a database search: pgvector's index).
    public var indexKind: VectorIndexKind { backend.indexKind }
    /// Products searchable now.
    public var count: Int { backend.count }

    /// The space a request searches in: its own choice, else raw for photos and tuned (when there is a
    /// tuning) for catalog products.
    public func space(for request: SearchRequest, fromProduct: Bool) throws -> SimilaritySpace {
        switch request.space {
        case .tuned?:
            guard tuning != nil else {
                throw QueryError.invalidParameter("the catalog has no tuning for this model: run `lookalike tune --label FIELD` first")
            }
            return .tuned
        case .raw?: return .raw
        case nil: return fromProduct && tuning != nil ? .tuned : .raw
        }
    }

    /// Searches with an encoded photo: the one path from a photo to results, for the CLI, the web API and
    /// `eval`. The request's cleanup (default `standard`) turns the photo into views; they are embedded
    /// together (through `batcher`, which shares model calls between concurrent queries, or directly), their
    /// normalised mean is the query, ranked by item verification when the cleanup asks for it, else by
    /// `search(vector:request:)`.
    public func search(image: EncodedImage, request: SearchRequest, batcher: QueryBatcher? = nil) async throws -> SearchResponse {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let cleanup = request.cleanup ?? QueryDefaults.cleanup
        try requireVerification(for: cleanup)
        let (views, signatures) = try embedder.cleanedQuery(image, look: look, cleanup: cleanup, region: request.region)
        guard !views.isEmpty else { throw QueryError.invalidParameter("the photo gave no view to search with") }
        let t1 = DispatchTime.now().uptimeNanoseconds
        let embedding: QueryBatcher.Embedding?
        let vector: [Float]
        if let batcher {
            let embeddings = try await batcher.embed(views)
            vector = embedder.meanVector(of: embeddings.map(\.vector))
            embedding = embeddings.first?.with(vector: vector)
        } else {
            vector = try embedder.meanVector(of: embedder.embed(views))
            embedding = nil
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        let results: [SearchResult]
        if let signatures {
            results = try await verified(vector: vector, signatures: signatures, request: request)
        } else {
            results = try await search(vector: vector, request: request)
        }
        let t3 = DispatchTime.now().uptimeNanoseconds
        return SearchResponse(results: results, vector: vector, embedding: embedding, decodeMilliseconds: Double(t1 - t0) / 1e6,
                              embedMilliseconds: Double(t2 - t1) / 1e6, searchMilliseconds: Double(t3 - t2) / 1e6)
    }

    /// Checks a request before any work, as searching with it would: k in range, the space, query expansion
    /// and label consensus it asks for available on this catalog and backend, and (for a photo) the item
    /// signatures its cleanup's verification needs. An option the backend cannot honour is an error, never ignored.
    public func validate(_ request: SearchRequest, fromProduct: Bool) throws {
        guard request.k >= 1, request.k <= 1000 else { throw QueryError.invalidParameter("k must be between 1 and 1000 (got \(request.k))") }
        try backend.checkSupported(request)
        let space = try space(for: request, fromProduct: fromProduct)
        _ = try consensus(for: request, space: space)
        if !fromProduct { try requireVerification(for: request.cleanup ?? QueryDefaults.cleanup) }
    }

    /// Searches with a vector from the same model (`fromProduct`: the vector is a catalog product's).
    public func search(vector: [Float], request: SearchRequest, fromProduct: Bool = false) async throws -> [SearchResult] {
        try validate(request, fromProduct: fromProduct)
        guard vector.count == embedder.dimension else {
            throw QueryError.invalidParameter("vector has \(vector.count) values, the model makes \(embedder.dimension)")
        }
        return try await rank([vector], request: request, fromProduct: fromProduct)
    }

    /// The request's `k` best products for one or more query vectors (a product's images): each product once,
    /// by its best score over the queries and its images; with variant grouping, each group once too (its
    /// best product), more products being asked for until `k` groups are found.
    func rank(_ vectors: [[Float]], request: SearchRequest, fromProduct: Bool) async throws -> [SearchResult] {
        let ranking = try ranking(for: request, fromProduct: fromProduct)
        let grouping = groupsVariants(request)
        let limit = max(request.k, Self.maxProductsAsked)
        var asked = request.k
        while true {
            var rankings: [[ProductHit]] = []
            var exhausted = true
            for vector in vectors {
                var wider = request
                wider.k = asked
                let hits = try await backend.nearest(vector, request: wider, space: ranking.space, expansion: ranking.expansion,
                                                     consensus: ranking.consensus)
                if hits.count >= asked { exhausted = false }
                rankings.append(hits)
            }
            let hits = ImageCollapse.merged(rankings, metric: metric)
            let products = try await store.products(ids: hits.map(\.id))
            let byID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var results: [SearchResult] = []
            var groups = Set<String>()
            for hit in hits where results.count < request.k {
                guard let product = byID[hit.id] else { continue }
                if grouping, let group = product.attributes[Self.variantGroupKey], !groups.insert(group).inserted { continue }
                results.append(SearchResult(product: product, score: hit.score, image: hit.image))
            }
            if !grouping || results.count >= request.k || exhausted || asked >= limit { return results }
            asked = min(asked * 4, limit)
        }
    }

    /// The most products one grouped search asks the backend for.
    static let maxProductsAsked = 4000

    /// Throws when `cleanup` asks for verification and the catalog has no item signatures.
    public func requireVerification(for cleanup: PhotoCleanup) throws {
        guard cleanup.verify, verification == nil else { return }
        throw QueryError.invalidParameter("verify needs the catalog's item signatures: run `lookalike index --item-signatures` (SQLite catalogs)")
    }

    /// Searches with a photo's raw vector, ranked by cosine plus item-signature match over the whole catalog
    /// (`ItemVerification`), filters applied; the request's space, expansion and consensus do not apply.
    public func verified(vector: [Float], signatures: [[Float]], request: SearchRequest) async throws -> [SearchResult] {
        guard request.k >= 1, request.k <= 1000 else { throw QueryError.invalidParameter("k must be between 1 and 1000 (got \(request.k))") }
        guard vector.count == embedder.dimension else {
            throw QueryError.invalidParameter("vector has \(vector.count) values, the model makes \(embedder.dimension)")
        }
        let hits = try backend.verified(vector, signatures: signatures, request: request)
        let products = try await store.products(ids: hits.map(\.id))
        let byID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return hits.compactMap { hit in byID[hit.id].map { SearchResult(product: $0, score: hit.score) } }
    }

    /// The ranking a request resolves to: its space, αQE and label consensus, or their defaults for the kind
    /// of query (a catalog product on a tuned catalog: tuned space, αQE over 10, consensus of 10; a photo: raw).
    public func ranking(for request: SearchRequest, fromProduct: Bool) throws
        -> (space: SimilaritySpace, expansion: QueryExpansion?, consensus: LabelConsensus?) {
        let space = try space(for: request, fromProduct: fromProduct)
        let expansion = request.expansion ?? (space == .tuned ? QueryExpansion(depth: 10) : nil)
        return (space, expansion.flatMap { $0.depth > 0 ? $0 : nil }, try consensus(for: request, space: space))
    }

    /// The label-consensus re-ranking a request asks for (default: 10 voters in the tuned space, none in the
    /// raw one), on the label of the catalog's tuning; asking for it without a tuning is an error.
    func consensus(for request: SearchRequest, space: SimilaritySpace) throws -> LabelConsensus? {
        let neighbours = request.consensus ?? (space == .tuned ? 10 : 0)
        guard neighbours > 0 else { return nil }
        guard neighbours <= 100 else { throw QueryError.invalidParameter("consensus must be between 0 and 100 (got \(neighbours))") }
        guard let tuning else {
            throw QueryError.invalidParameter("consensus re-ranking needs the catalog's labels: run `lookalike tune --label articleType` first")
        }
        return LabelConsensus(label: tuning.label, neighbours: neighbours)
    }

    /// Products most like a catalog product (the product itself excluded), from all of its images: each result
    /// scored by its best pair of images (one of the product's, one of the result's).
    public func similar(to id: String, request: SearchRequest) async throws -> [SearchResult] {
        let vectors = try await backend.vectors(for: id).map(\.vector)
        guard !vectors.isEmpty else {
            if try await store.product(id: id) == nil { throw QueryError.unknownProduct(id) }
            throw QueryError.invalidParameter("product '\(id)' has no vector for this model; re-run `lookalike index`")
        }
        var request = request
        request.excluding.insert(id)
        try validate(request, fromProduct: true)
        return try await rank(vectors, request: request, fromProduct: true)
    }

    /// The model's vector of a catalog product, nil when it has none.
    public func productVector(id: String) async throws -> [Float]? {
        try await backend.vector(for: id)
    }

    /// "Why it matched": for each result, which part of its image is most like `query` (a raw vector of the
    /// model), from the feature map before pooling. One model call for the first
    /// `QueryDefaults.explainedResults` results; nil for the rest and where a product's image file is
    /// missing or unreadable.
    public func heatMaps(for results: [SearchResult], query: [Float]) throws -> [HeatMap?] {
        var images: [EncodedImage] = [], positions: [Int] = []
        for (i, result) in results.prefix(QueryDefaults.explainedResults).enumerated() {
            guard let path = result.imagePath,
                  let image = try? EncodedImage(contentsOf: URL(fileURLWithPath: path), limits: embedder.options.limits) else { continue }
            images.append(image)
            positions.append(i)
        }
        var maps = [HeatMap?](repeating: nil, count: results.count)
        guard !images.isEmpty else { return maps }
        for (map, i) in zip(try embedder.heatMaps(images, query: query), positions) { maps[i] = map }
        return maps
    }

    /// Adds (or replaces) a product with its image: stored and searchable at once.
    /// With item signatures in the catalog, the product's is computed and stored too.
    /// The image file it replaces, if in `images` and named by no other product, is deleted.
    public func add(_ product: Product, image: EncodedImage, images: OwnedImageFolder? = nil) async throws {
        let replaced = images == nil ? nil : try await store.product(id: product.id)?.imagePath
        let vector = try embedder.embedCatalog([embedder.decode(image)])[0]
        let signs = verification != nil
        let signature = signs ? try embedder.productSignature(image) : nil
        if signs, let signing = store as? any ItemSignatureStore {
            try await signing.upsert([(product, vector, signature ?? ItemSignature.blank)], modelKey: embedder.modelKey)
        } else {
            try await store.upsert([(product, vector)], modelKey: embedder.modelKey)
        }
        backend.added(product, vector: vector, imageVectors: [], signature: signature)
        if let images, let replaced, replaced != product.imagePath { try await images.release([replaced], store: store) }
    }

    /// Imports `source` into the catalog while the service answers queries: each stored batch is searchable
    /// at once, products the source no longer lists go with `options.prune`. With item signatures in the
    /// catalog, the import stores them too.
    public func importChanges(from source: any CatalogSource, options: ImportOptions, stop: StopFlag = StopFlag()) async throws -> ImportSummary {
        var options = options
        let backend = self.backend
        options.itemSignatures = verification != nil
        options.onStored = { items in
            for item in items {
                backend.added(item.product, vector: item.vector, imageVectors: item.imageVectors, signature: item.signature)
            }
        }
        options.onRemoved = { ids in backend.removed(ids) }
        let summary = try await ImportPipeline(store: store, embedder: embedder, options: options).run(source: source, stop: stop)
        catalogHasGroups.store(try await Self.hasVariantGroups(store), ordering: .relaxed)
        return summary
    }

    /// Removes products from the store and the index; returns how many existed.
    /// Image files of removed products in `images` that no other product names are deleted with them.
    public func remove(ids: [String], images: OwnedImageFolder? = nil) async throws -> Int {
        let paths = images == nil ? [] : try await store.products(ids: ids).flatMap { [$0.imagePath] + $0.images.map(\.imagePath) }
            .compactMap { $0 }
        let removed = try await store.remove(ids: ids)
        backend.removed(ids)
        if let images { try await images.release(paths, store: store) }
        return removed
    }
}
