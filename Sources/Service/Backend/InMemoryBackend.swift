import Catalog
import Foundation
import Search

/// A SQLite catalog's vectors searched in memory: the raw vectors of every product image (primary and
/// additional ones, a row each, `ImageRows`) in an exact or HNSW index, the
/// catalog-tuned vectors (when `lookalike tune` fitted a tuning) in an exact index of their own, and the
/// item signatures for verification. Every ranking step runs here: either space, αQE, label consensus.
///
/// `@unchecked Sendable` is safe: the indexes and the verifier change only under `lock`'s write side and
/// are read only under its read side; every other stored property is an immutable `Sendable` value.
public final class InMemoryBackend: QueryBackend, @unchecked Sendable {
    /// The tuning, if the catalog has one.
    public let tuning: TunedSimilarity?
    private let modelKey: String
    private var index: CatalogIndex
    private var tunedIndex: CatalogIndex?
    private var verifier: ItemVerification?
    private var images: ImageRows
    private let lock = ReadWriteLock()

    /// Loads every vector of `modelKey` from `store` into an index — exact, or HNSW (`kind`, `auto` by
    /// catalog size) with the graph kept at `hnswFile` and updated there incrementally (`log` hears what was
    /// done to it) — with the catalog's tuning and item signatures.
    public init(store: any CatalogStore, modelKey: String, dimension: Int, storage: VectorStorage, metric: VectorMetric,
                kind: VectorIndexKind, hnswFile: URL?, log: ((String) -> Void)?) async throws {
        self.modelKey = modelKey
        let (table, rows, images) = try await Self.rows(of: store, modelKey: modelKey, log: log)
        self.images = images
        index = CatalogIndex(table: rows, storage: storage, metric: metric, kind: kind, hnswFile: hnswFile, log: log)
        verifier = try await ItemVerification.load(store: store, catalog: table)
        let tuning = try await Self.loadTuning(store: store, modelKey: modelKey, dimension: dimension, log: log)
        self.tuning = tuning
        if let tuning {
            if tuning.isStale(catalogCount: table.count) {
                log?("the tuning was fitted when the catalog had \(tuning.catalogCount) products and it has \(table.count): run `lookalike tune` again")
            }
            tunedIndex = CatalogIndex(table: tuning.projected(rows), storage: storage, metric: .cosine)
        }
    }

    /// The rows the index of `store`'s vectors of `modelKey` holds: every product's primary image (`products`,
    /// named by the product id) then each additional image (named as `ImageRows` says), with its product's attributes.
    public static func rows(of store: any CatalogStore, modelKey: String) async throws -> (products: VectorTable, table: VectorTable) {
        let (products, table, _) = try await rows(of: store, modelKey: modelKey, log: nil)
        return (products, table)
    }

    static func rows(of store: any CatalogStore, modelKey: String,
                     log: ((String) -> Void)?) async throws -> (products: VectorTable, table: VectorTable, images: ImageRows) {
        let products = try await store.loadVectors(modelKey: modelKey)
        let images = try await store.loadImageVectors(modelKey: modelKey)
        if images.count > 0, products.count > 0, images.dimension != products.dimension {
            log?("ignoring the additional images' vectors: they have \(images.dimension) values, the products' \(products.dimension)")
        }
        let (table, rows) = ImageRows.merged(products, images)
        return (products, table, rows)
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

    public var indexKind: VectorIndexKind { lock.read { index.kind } }
    public var count: Int { lock.read { index.count - images.count } }
    public var verification: ItemVerification? { lock.read { verifier } }

    public func checkSupported(_ request: SearchRequest) throws {}

    /// Rows (images) are ranked, then each product kept once at its best row; more rows are asked for until
    /// `k` distinct products are found.
    public func nearest(_ vector: [Float], request: SearchRequest, space: SimilaritySpace, expansion: QueryExpansion?,
                        consensus: LabelConsensus?) async throws -> [ProductHit] {
        let query = space == .tuned ? (tuning?.project(vector) ?? vector) : vector
        return try lock.read {
            guard index.count > 0 else { throw QueryError.emptyCatalog(modelKey: modelKey) }
            let searched = space == .tuned ? (tunedIndex ?? index) : index
            var excluding = request.excluding
            for id in request.excluding { excluding.formUnion(images.names(of: id)) }
            let limit = max(request.k, searched.count)
            var asked = ImageCollapse.firstAsk(k: request.k, hasImages: images.count > 0, limit: limit)
            while true {
                let rows = searched.search(query, k: asked, filters: request.filters, excluding: excluding,
                                           expansion: expansion, consensus: consensus)
                let products = ImageCollapse.firstOfEachProduct(rows.map { images.hit(row: $0.id, score: $0.score) }, k: request.k)
                guard let next = ImageCollapse.nextAsk(after: asked, hits: rows.count, products: products.count,
                                                       k: request.k, limit: limit) else { return products }
                asked = next
            }
        }
    }

    public func verified(_ vector: [Float], signatures: [[Float]], request: SearchRequest) throws -> [(id: String, score: Float)] {
        try lock.read {
            guard let verifier else { throw QueryError.invalidParameter("verify needs the catalog's item signatures") }
            guard index.count > 0 else { throw QueryError.emptyCatalog(modelKey: modelKey) }
            return verifier.rank(query: vector, photoSignatures: signatures, k: request.k, filters: request.filters, excluding: request.excluding)
        }
    }

    public func vector(for id: String) async throws -> [Float]? { lock.read { index.vector(for: id) } }

    public func vectors(for id: String) async throws -> [(image: Int, vector: [Float])] {
        lock.read {
            guard let primary = index.vector(for: id) else { return [] }
            return [(image: 0, vector: primary)] + images.positions(of: id).compactMap { position in
                index.vector(for: ImageRows.name(id, position)).map { (image: position, vector: $0) }
            }
        }
    }

    public func added(_ product: Product, vector: [Float], imageVectors: [[Float]], signature: [Float]?) {
        let tuning = self.tuning
        let photos = Array(zip(product.images, imageVectors))
        lock.write {
            removeImages(of: product.id)
            index.add(id: product.id, attributes: product.attributes, vector: vector)
            if let tuned = tuning?.project(vector) { tunedIndex?.add(id: product.id, attributes: product.attributes, vector: tuned) }
            for (photo, imageVector) in photos {
                let name = images.insert(product.id, photo.position)
                index.add(id: name, attributes: product.attributes, vector: imageVector)
                if let tuned = tuning?.project(imageVector) { tunedIndex?.add(id: name, attributes: product.attributes, vector: tuned) }
            }
            verifier?.upsert(id: product.id, attributes: product.attributes, vector: vector, signature: signature)
        }
    }

    public func removed(_ ids: [String]) {
        lock.write {
            for id in ids {
                removeImages(of: id)
                index.remove(id: id)
                tunedIndex?.remove(id: id)
                verifier?.remove(id: id)
            }
        }
    }

    /// Removes the rows of a product's additional images (call under the write lock).
    private func removeImages(of id: String) {
        for name in images.remove(id) {
            index.remove(id: name)
            tunedIndex?.remove(id: name)
        }
    }
}
