/// Ranking quality of one query: precision at several cut-offs and average precision.
public struct RetrievalMetrics: Sendable, Codable, Equatable {
    /// Fraction of the first 1 results that are relevant.
    public var precisionAt1: Double
    /// Fraction of the first 5 results that are relevant.
    public var precisionAt5: Double
    /// Fraction of the first 10 results that are relevant.
    public var precisionAt10: Double
    /// Average precision over the first `depth` results, normalised by min(depth, relevant items in the catalog):
    /// 1 only when the first `depth` results are all relevant.
    public var averagePrecision: Double
    /// Average precision over the first `depth` results, normalised by the relevant results found there
    /// (the mean of the precision at each relevant rank; the definition many retrieval papers use for mAP@k).
    public var averagePrecisionOfHits: Double

    /// Scores one ranked list; `relevant[i]` says whether result i is relevant, `relevantInCatalog` how many exist.
    public init(relevant: [Bool], relevantInCatalog: Int, depth: Int = 100) {
        func precision(at k: Int) -> Double {
            guard k > 0 else { return 0 }
            return Double(relevant.prefix(k).filter { $0 }.count) / Double(k)
        }
        precisionAt1 = precision(at: 1)
        precisionAt5 = precision(at: 5)
        precisionAt10 = precision(at: 10)
        var hits = 0, sum = 0.0
        for (i, isRelevant) in relevant.prefix(depth).enumerated() where isRelevant {
            hits += 1
            sum += Double(hits) / Double(i + 1)
        }
        let denominator = min(depth, relevantInCatalog)
        averagePrecision = denominator > 0 ? sum / Double(denominator) : 0
        averagePrecisionOfHits = hits > 0 ? sum / Double(hits) : 0
    }

    /// The mean of several queries' metrics.
    public static func mean(_ all: [RetrievalMetrics]) -> RetrievalMetrics {
        var m = RetrievalMetrics(relevant: [], relevantInCatalog: 0)
        guard !all.isEmpty else { return m }
        let n = Double(all.count)
        m.precisionAt1 = all.map(\.precisionAt1).reduce(0, +) / n
        m.precisionAt5 = all.map(\.precisionAt5).reduce(0, +) / n
        m.precisionAt10 = all.map(\.precisionAt10).reduce(0, +) / n
        m.averagePrecision = all.map(\.averagePrecision).reduce(0, +) / n
        m.averagePrecisionOfHits = all.map(\.averagePrecisionOfHits).reduce(0, +) / n
        return m
    }
}
