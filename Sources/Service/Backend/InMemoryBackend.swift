import Catalog
import Foundation
import Search

/// A SQLite catalog's vectors searched in memory: the raw vectors in an exact or HNSW index, the
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
    private let lock = ReadWriteLock()

    /// Loads every vector of `modelKey` from `store` into an index — exact, or HNSW (`kind`, `auto` by
    /// catalog size) with the graph kept at `hnswFile` and updated there incrementally (`log` hears what was
    /// done to it) — with the catalog's tuning and item signatures.
    public init(store: any CatalogStore, modelKey: String, dimension: Int, storage: VectorStorage, metric: VectorMetric,
                kind: VectorIndexKind, hnswFile: URL?, log: ((String) -> Void)?) async throws {
        self.modelKey = modelKey
        let table = try await store.loadVectors(modelKey: modelKey)
        index = CatalogIndex(table: table, storage: storage, metric: metric, kind: kind, hnswFile: hnswFile, log: log)
        verifier = try await ItemVerification.load(store: store, catalog: table)
        let tuning = try await Self.loadTuning(store: store, modelKey: modelKey, dimension: dimension, log: log)
        self.tuning = tuning
        if let tuning {
            if tuning.isStale(catalogCount: table.count) {
                log?("the tuning was fitted when the catalog had \(tuning.catalogCount) products and it has \(table.count): run `lookalike tune` again")
            }
            tunedIndex = CatalogIndex(table: tuning.projected(table), storage: storage, metric: .cosine)
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

    public var indexKind: VectorIndexKind { lock.read { index.kind } }
    public var count: Int { lock.read { index.count } }
    public var verification: ItemVerification? { lock.read { verifier } }

    public func checkSupported(_ request: SearchRequest) throws {}

    public func nearest(_ vector: [Float], request: SearchRequest, space: SimilaritySpace, expansion: QueryExpansion?,
                        consensus: LabelConsensus?) async throws -> [(id: String, score: Float)] {
        let query = space == .tuned ? (tuning?.project(vector) ?? vector) : vector
        return try lock.read {
            guard index.count > 0 else { throw QueryError.emptyCatalog(modelKey: modelKey) }
            let searched = space == .tuned ? (tunedIndex ?? index) : index
            return searched.search(query, k: request.k, filters: request.filters, excluding: request.excluding,
                                   expansion: expansion, consensus: consensus)
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

    public func added(_ product: Product, vector: [Float], signature: [Float]?) {
        let tuned = tuning?.project(vector)
        lock.write {
            index.add(id: product.id, attributes: product.attributes, vector: vector)
            if let tuned { tunedIndex?.add(id: product.id, attributes: product.attributes, vector: tuned) }
            verifier?.upsert(id: product.id, attributes: product.attributes, vector: vector, signature: signature)
        }
    }

    public func removed(_ ids: [String]) {
        lock.write {
            for id in ids {
                index.remove(id: id)
                tunedIndex?.remove(id: id)
                verifier?.remove(id: id)
            }
        }
    }
}
