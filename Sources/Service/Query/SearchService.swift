import Catalog
import Embedding
import Foundation
import Imaging
import Search

/// Answers "what in the catalog looks like this photo?": decodes and embeds the query, searches
/// the in-memory index of the catalog's vectors (or, for a store that searches itself such as
/// PostgreSQL, the database), and loads the matching products from the store.
///
/// Shared by the CLI and the web app; safe for many concurrent callers. Products can be added
/// and removed while it serves (the store and the index change together).
public final class SearchService: @unchecked Sendable {
    /// Where products live.
    public let store: any CatalogStore
    /// The model that embeds queries and new products.
    public let embedder: Embedder
    /// How scores are computed.
    public let metric: VectorMetric

    private var index: CatalogIndex
    /// What the catalog's photos look like (grey? uniform background?), sampled at start: photo queries are
    /// cleaned up to match it.
    public let look: CatalogLook
    /// The catalog-tuned similarity (`lookalike tune`) and the index of the tuned vectors, if the catalog has one.
    public let tuning: TunedSimilarity?
    private var tunedIndex: CatalogIndex?
    /// Exact-item verification of photo queries (`cleanup=…+verify`), when the catalog has item signatures
    /// (`index --item-signatures`); kept up to date by `add` and `remove`.
    public var verification: ItemVerification? { lock.read { verifier } }
    private var verifier: ItemVerification?
    private let lock = ReadWriteLock()
    /// The store's own vector search, if it has one: then searches run there and `index` stays empty.
    private let database: (any DatabaseVectorSearch)?
    private let databaseCount: DatabaseCount?

    /// Loads every vector of the embedder's model key from the store into an index — exact, or HNSW
    /// (`kind`, `auto` by catalog size) with the graph kept at `hnswFile` and updated there
    /// incrementally (`log` hears what was done to it) — unless the store searches in the database
    /// itself (`DatabaseVectorSearch`).
    public init(store: any CatalogStore, embedder: Embedder, storage: VectorStorage = QueryDefaults.storage,
                metric: VectorMetric = QueryDefaults.metric, kind: VectorIndexKind = QueryDefaults.index, hnswFile: URL? = nil, log: ((String) -> Void)? = nil) async throws {
        self.store = store
        self.embedder = embedder
        self.metric = metric
        if let database = store as? any DatabaseVectorSearch {
            self.database = database
            self.databaseCount = DatabaseCount(try await database.vectorCount(modelKey: embedder.modelKey))
            self.index = CatalogIndex(table: VectorTable(modelKey: embedder.modelKey, ids: [], attributes: [], dimension: 0, vectors: []),
                                      storage: storage, metric: metric)
            self.tuning = nil  // tuned vectors are searched in memory; a database searches raw vectors only
            self.verifier = nil
            self.look = try await CatalogLook.sample(store: store, ids: try await store.allProductIDs(), embedder: embedder)
        } else {
            self.database = nil
            self.databaseCount = nil
            let table = try await store.loadVectors(modelKey: embedder.modelKey)
            self.index = CatalogIndex(table: table, storage: storage, metric: metric, kind: kind, hnswFile: hnswFile, log: log)
            self.verifier = try await ItemVerification.load(store: store, catalog: table)
            self.look = try await CatalogLook.sample(store: store, ids: table.ids, embedder: embedder)
            let tuning = try await SearchService.loadTuning(store: store, modelKey: embedder.modelKey, dimension: embedder.dimension, log: log)
            self.tuning = tuning
            if let tuning {
                if tuning.isStale(catalogCount: table.count) {
                    log?("the tuning was fitted when the catalog had \(tuning.catalogCount) products and it has \(table.count): run `lookalike tune` again")
                }
                self.tunedIndex = CatalogIndex(table: tuning.projected(table), storage: storage, metric: .cosine)
            }
        }
    }

    /// The catalog's stored tuning for `modelKey`, if any (an unreadable one is reported and ignored).
    static func loadTuning(store: any CatalogStore, modelKey: String, dimension: Int, log: ((String) -> Void)?) async throws -> TunedSimilarity? {
        do {
            return try await CatalogTuning.stored(in: store, modelKey: modelKey, dimension: dimension)
        } catch let error as TuningError {
            log?("ignoring the catalog's tuning: \(error)")
            return nil
        }
    }

    /// Exact or HNSW, as resolved for this catalog (HNSW for a database search: pgvector's index).
    public var indexKind: VectorIndexKind { database != nil ? .hnsw : lock.read { index.kind } }

    /// Products searchable now (for a database search: as counted at most a few seconds ago, since
    /// other processes may write to the same database).
    public var count: Int {
        guard let database, let databaseCount else { return lock.read { index.count } }
        return databaseCount.value(refreshingWith: { [modelKey = embedder.modelKey] in try await database.vectorCount(modelKey: modelKey) })
    }

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
        if database != nil {
            let unavailable = [request.space == .tuned ? "space=tuned" : nil, (request.expansion?.depth ?? 0) > 0 ? "qe" : nil,
                               (request.consensus ?? 0) > 0 ? "consensus" : nil].compactMap { $0 }
            if !unavailable.isEmpty {
                throw QueryError.invalidParameter("\(unavailable.joined(separator: ", ")) rank in memory; this catalog is searched in "
                    + "PostgreSQL with raw vectors (leave \(unavailable.count == 1 ? "it" : "them") out)")
            }
        }
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
        let hits: [(id: String, score: Float)]
        if let database {
            hits = try await database.nearest(to: vector, k: request.k, filters: request.filters, excluding: request.excluding,
                                              modelKey: embedder.modelKey, distance: metric == .cosine ? .cosine : .euclidean)
                .map { (id: $0.id, score: $0.score) }
            if hits.isEmpty, try await database.vectorCount(modelKey: embedder.modelKey) == 0 {
                throw QueryError.emptyCatalog(modelKey: embedder.modelKey)
            }
        } else {
            let space = try space(for: request, fromProduct: fromProduct)
            let expansion = request.expansion ?? (space == .tuned ? QueryExpansion(depth: 10) : nil)
            let consensus = try consensus(for: request, space: space)
            let query = space == .tuned ? (tuning?.project(vector) ?? vector) : vector
            hits = try lock.read { () throws -> [(id: String, score: Float)] in
                guard index.count > 0 else { throw QueryError.emptyCatalog(modelKey: embedder.modelKey) }
                let searched = space == .tuned ? (tunedIndex ?? index) : index
                return searched.search(query, k: request.k, filters: request.filters, excluding: request.excluding,
                                       expansion: expansion, consensus: consensus)
            }
        }
        let products = try await store.products(ids: hits.map(\.id))
        let byID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return hits.compactMap { hit in byID[hit.id].map { SearchResult(product: $0, score: hit.score) } }
    }

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
        let hits = try lock.read { () throws -> [(id: String, score: Float)] in
            guard let verifier else { throw QueryError.invalidParameter("verify needs the catalog's item signatures") }
            guard index.count > 0 else { throw QueryError.emptyCatalog(modelKey: embedder.modelKey) }
            return verifier.rank(query: vector, photoSignatures: signatures, k: request.k, filters: request.filters, excluding: request.excluding)
        }
        let products = try await store.products(ids: hits.map(\.id))
        let byID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return hits.compactMap { hit in byID[hit.id].map { SearchResult(product: $0, score: hit.score) } }
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

    /// Products most like a catalog product (the product itself excluded).
    public func similar(to id: String, request: SearchRequest) async throws -> [SearchResult] {
        guard let vector = try await productVector(id: id) else {
            if try await store.product(id: id) == nil { throw QueryError.unknownProduct(id) }
            throw QueryError.invalidParameter("product '\(id)' has no vector for this model; re-run `lookalike index`")
        }
        var request = request
        request.excluding.insert(id)
        return try await search(vector: vector, request: request, fromProduct: true)
    }

    /// The model's vector of a catalog product, nil when it has none.
    public func productVector(id: String) async throws -> [Float]? {
        if let database { return try await database.vector(for: id, modelKey: embedder.modelKey) }
        return lock.read { index.vector(for: id) }
    }

    /// "Why it matched": for each result, which part of its image is most like `query` (a raw vector of the
    /// model), from the feature map before pooling. One model call for all results; nil where a product's
    /// image file is missing or unreadable.
    public func heatMaps(for results: [SearchResult], query: [Float]) throws -> [HeatMap?] {
        var images: [EncodedImage] = [], positions: [Int] = []
        for (i, result) in results.enumerated() {
            guard let path = result.product.imagePath,
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
    public func add(_ product: Product, image: EncodedImage) async throws {
        let vector = try embedder.embedCatalog([embedder.decode(image)])[0]
        let signs = verification != nil
        let signature = signs ? try embedder.productSignature(image) : nil
        if signs, let signing = store as? any ItemSignatureStore {
            try await signing.upsert([(product, vector, signature ?? ItemSignature.blank)], modelKey: embedder.modelKey)
        } else {
            try await store.upsert([(product, vector)], modelKey: embedder.modelKey)
        }
        if database == nil {
            let tuned = tuning?.project(vector)
            lock.write {
                index.add(id: product.id, attributes: product.attributes, vector: vector)
                if let tuned { tunedIndex?.add(id: product.id, attributes: product.attributes, vector: tuned) }
                verifier?.upsert(id: product.id, attributes: product.attributes, vector: vector, signature: signature)
            }
        }
    }

    /// Removes products from the store and the index; returns how many existed.
    public func remove(ids: [String]) async throws -> Int {
        let removed = try await store.remove(ids: ids)
        if database == nil { lock.write { ids.forEach { index.remove(id: $0); tunedIndex?.remove(id: $0); verifier?.remove(id: $0) } } }
        return removed
    }
}

/// A count kept by a database, re-read in the background when older than a few seconds.
final class DatabaseCount: @unchecked Sendable {
    private var count: Int
    private var readAt = Date()
    private var refreshing = false
    private let lock = NSLock()

    init(_ count: Int) { self.count = count }

    /// The last count read; starts a refresh when it is stale.
    func value(refreshingWith read: @escaping @Sendable () async throws -> Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if !refreshing, Date().timeIntervalSince(readAt) > 2 {
            refreshing = true
            Task {
                let fresh = try? await read()
                self.lock.withLock {
                    if let fresh { self.count = fresh }
                    self.readAt = Date()
                    self.refreshing = false
                }
            }
        }
        return count
    }
}

/// Many readers or one writer.
final class ReadWriteLock: @unchecked Sendable {
    private var lock = pthread_rwlock_t()
    init() { pthread_rwlock_init(&lock, nil) }
    deinit { pthread_rwlock_destroy(&lock) }

    func read<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }

    func write<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }
}
