import Catalog
import Foundation
import Search
import Synchronization

/// A catalog searched in its database (PostgreSQL + pgvector: `DatabaseVectorSearch`): nearest neighbours,
/// filters and exclusions in one statement over the raw vectors, through the database's HNSW index. The
/// tuned space, αQE and label consensus rank in memory, so a request for them is refused.
public final class DatabaseBackend: QueryBackend {
    private let database: any DatabaseVectorSearch
    private let modelKey: String
    private let distance: VectorDistance
    private let counted: DatabaseCount

    /// Searches `database`'s vectors of `modelKey` with `metric`.
    public init(database: any DatabaseVectorSearch, modelKey: String, metric: VectorMetric) async throws {
        self.database = database
        self.modelKey = modelKey
        distance = metric == .cosine ? .cosine : .euclidean
        counted = DatabaseCount(try await database.vectorCount(modelKey: modelKey))
    }

    public var indexKind: VectorIndexKind { .hnsw }
    public var tuning: TunedSimilarity? { nil }
    public var verification: ItemVerification? { nil }

    /// As counted at most a few seconds ago: other processes may write to the same database.
    public var count: Int {
        counted.value(refreshingWith: { [database, modelKey] in try await database.vectorCount(modelKey: modelKey) })
    }

    public func checkSupported(_ request: SearchRequest) throws {
        let unavailable = [request.space == .tuned ? "space=tuned" : nil, (request.expansion?.depth ?? 0) > 0 ? "qe" : nil,
                           (request.consensus ?? 0) > 0 ? "consensus" : nil].compactMap { $0 }
        guard unavailable.isEmpty else {
            throw QueryError.invalidParameter("\(unavailable.joined(separator: ", ")) rank in memory; this catalog is searched in "
                + "PostgreSQL with raw vectors (leave \(unavailable.count == 1 ? "it" : "them") out)")
        }
    }

    /// Images are searched in one walk of the model's index (primary and additional images are rows of the
    /// same table); more are asked for until `k` distinct products are found.
    public func nearest(_ vector: [Float], request: SearchRequest, space: SimilaritySpace, expansion: QueryExpansion?,
                        consensus: LabelConsensus?) async throws -> [ProductHit] {
        let limit = max(request.k, Self.maxImagesAsked)
        var asked = ImageCollapse.firstAsk(k: request.k, hasImages: true, limit: limit)
        while true {
            let hits = try await database.nearest(to: vector, k: asked, filters: request.filters, excluding: request.excluding,
                                                  modelKey: modelKey, distance: distance)
            if hits.isEmpty, try await database.vectorCount(modelKey: modelKey) == 0 {
                throw QueryError.emptyCatalog(modelKey: modelKey)
            }
            let products = ImageCollapse.firstOfEachProduct(hits.map { ProductHit(id: $0.id, score: $0.score, image: $0.image) },
                                                            k: request.k)
            guard let next = ImageCollapse.nextAsk(after: asked, hits: hits.count, products: products.count,
                                                   k: request.k, limit: limit) else { return products }
            asked = next
        }
    }

    /// The most images one search asks the database for.
    static let maxImagesAsked = 10_000

    public func verified(_ vector: [Float], signatures: [[Float]], request: SearchRequest) throws -> [(id: String, score: Float)] {
        throw QueryError.invalidParameter("verify needs the catalog's item signatures, which PostgreSQL catalogs do not keep")
    }

    public func vector(for id: String) async throws -> [Float]? { try await database.vector(for: id, modelKey: modelKey) }

    public func vectors(for id: String) async throws -> [(image: Int, vector: [Float])] {
        try await database.vectors(for: id, modelKey: modelKey)
    }

    /// Nothing to do: the database is searched directly.
    public func added(_ product: Product, vector: [Float], imageVectors: [[Float]], signature: [Float]?) {}

    /// Nothing to do: the database is searched directly.
    public func removed(_ ids: [String]) {}
}

/// A count kept by a database, re-read in the background when older than a few seconds.
final class DatabaseCount: Sendable {
    private struct State {
        var count: Int
        var readAt = Date()
        var refreshing = false
    }
    private let state: Mutex<State>

    init(_ count: Int) { state = Mutex(State(count: count)) }

    /// The last count read; starts a refresh when it is stale.
    func value(refreshingWith read: @escaping @Sendable () async throws -> Int) -> Int {
        let (count, refresh) = state.withLock { state -> (Int, Bool) in
            guard !state.refreshing, Date().timeIntervalSince(state.readAt) > 2 else { return (state.count, false) }
            state.refreshing = true
            return (state.count, true)
        }
        if refresh {
            Task {
                let fresh = try? await read()
                self.state.withLock { state in
                    if let fresh { state.count = fresh }
                    state.readAt = Date()
                    state.refreshing = false
                }
            }
        }
        return count
    }
}
