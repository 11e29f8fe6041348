import Catalog
import Dispatch
import Search

/// Measures retrieval quality on a labelled catalog: a result is relevant when it shares the
/// query's value of a label field (e.g. `articleType`).
public enum RetrievalEvaluation {
    /// What one evaluation measured.
    public struct Report: Sendable, Codable {
        /// Queries scored (those with a label).
        public var queries: Int
        /// Catalog size.
        public var catalog: Int
        /// The label field.
        public var label: String
        /// Mean metrics over the queries.
        public var metrics: RetrievalMetrics
        /// Search throughput (vectors already computed).
        public var queriesPerSecond: Double
    }

    /// Scores `queries` (or, when nil, every catalog item against the rest: leave-one-out).
    public static func run(catalog: VectorTable, queries: SourceVectors?, label: String, metric: VectorMetric = .cosine,
                           storage: VectorStorage = .float32, depth: Int = 100, expansion: QueryExpansion? = nil,
                           consensus: LabelConsensus? = nil) -> Report {
        var index = ExactIndex(dimension: catalog.dimension, storage: storage, metric: metric)
        _ = index.add(catalog.vectors)
        let catalogLabels = catalog.attributes.map { $0[label] }
        let votingLabels = consensus.map { consensus in catalog.attributes.map { $0[consensus.label] } }
        var perLabel: [String: Int] = [:]
        for case let value? in catalogLabels { perLabel[value, default: 0] += 1 }

        let leaveOneOut = queries == nil
        let queryLabels = queries?.attributes.map { $0[label] } ?? catalogLabels
        let queryVectors = queries?.vectors ?? catalog.vectors
        let dimension = catalog.dimension
        let usable = queryLabels.indices.filter { queryLabels[$0] != nil }
        let k = (leaveOneOut ? 1 : 0) + Swift.max(depth, consensus?.candidates ?? 0)

        var all: [RetrievalMetrics] = []
        all.reserveCapacity(usable.count)
        let start = DispatchTime.now().uptimeNanoseconds
        var searchNanoseconds: UInt64 = 0
        for chunkStart in stride(from: 0, to: usable.count, by: 64) {
            let rows = Array(usable[chunkStart..<min(chunkStart + 64, usable.count)])
            var batch: [Float] = []
            batch.reserveCapacity(rows.count * dimension)
            for q in rows { batch += queryVectors[(q * dimension)..<((q + 1) * dimension)] }
            let t0 = DispatchTime.now().uptimeNanoseconds
            var results = index.search(batch: batch, k: k, filter: nil)
            if let expansion, expansion.depth > 0 {
                // αQE: expand each query by its first results (never itself, in leave-one-out), search again.
                var expanded: [Float] = []
                expanded.reserveCapacity(batch.count)
                for (n, q) in rows.enumerated() {
                    let first = results[n].filter { !leaveOneOut || $0.row != q }.prefix(expansion.depth)
                    let neighbours = first.map { Array(catalog.vectors[($0.row * dimension)..<(($0.row + 1) * dimension)]) }
                    expanded += expansion.expand(Array(batch[(n * dimension)..<((n + 1) * dimension)]),
                                                 neighbours: neighbours, similarities: first.map(\.score))
                }
                results = index.search(batch: expanded, k: k, filter: nil)
            }
            searchNanoseconds += DispatchTime.now().uptimeNanoseconds - t0
            for (n, q) in rows.enumerated() {
                guard let wanted = queryLabels[q] else { continue }
                var hits = results[n]
                if leaveOneOut { hits.removeAll { $0.row == q } }
                if let consensus, let votingLabels, metric == .cosine {
                    hits = consensus.rerank(Array(hits.prefix(consensus.candidates)), score: \.score, labelOf: { votingLabels[$0.row] })
                }
                let relevant = hits.prefix(depth).map { catalogLabels[$0.row] == wanted }
                let available = (perLabel[wanted] ?? 0) - (leaveOneOut ? 1 : 0)
                all.append(RetrievalMetrics(relevant: relevant, relevantInCatalog: available, depth: depth))
            }
        }
        _ = start
        let seconds = Double(searchNanoseconds) / 1e9
        return Report(queries: all.count, catalog: catalog.count, label: label, metrics: .mean(all),
                      queriesPerSecond: seconds > 0 ? Double(all.count) / seconds : 0)
    }
}
