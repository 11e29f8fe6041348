/// Re-ranking by label consensus: each candidate's score gains `weight` × the share of the query's first
/// `neighbours` results that carry the candidate's value of `label` (the catalog's own labels, e.g.
/// `articleType`, as `lookalike tune` learned them).
///
/// When most of the best matches agree on what kind of product the query is, matches of that kind move
/// ahead of stray ones of another kind, from the first `candidates` results. The query's own label is never
/// needed. Measured on Fashion-MNIST in the tuned space with αQE (catalog train, 10,000 test queries):
/// P@10 0.900 → 0.910 and mAP@100 0.878 → 0.891, P@1 unchanged, for one sort of 100 results.
public struct LabelConsensus: Sendable, Equatable {
    /// The attribute whose values vote.
    public var label: String
    /// First results that vote (0 turns the re-ranking off).
    public var neighbours: Int
    /// How much a full vote adds to a cosine similarity.
    public var weight: Float
    /// Results re-ranked (at least k).
    public var candidates: Int

    /// Consensus of the first `neighbours` results on `label`.
    public init(label: String, neighbours: Int = 10, weight: Float = 1, candidates: Int = 100) {
        self.label = label
        self.neighbours = neighbours
        self.weight = weight
        self.candidates = candidates
    }

    /// `hits` (best first) re-ranked by score + weight × vote share of their label; `labelOf` gives a hit's
    /// label (nil: it votes for nothing and gains nothing). Equal new scores keep their order.
    public func rerank<Hit>(_ hits: [Hit], score: (Hit) -> Float, labelOf: (Hit) -> String?) -> [Hit] {
        let voters = hits.prefix(neighbours)
        guard !voters.isEmpty, weight != 0 else { return hits }
        var votes: [String: Int] = [:]
        for hit in voters { if let value = labelOf(hit) { votes[value, default: 0] += 1 } }
        let share = weight / Float(voters.count)
        let rescored = hits.enumerated().map { position, hit -> (position: Int, score: Float) in
            (position, score(hit) + share * Float(labelOf(hit).flatMap { votes[$0] } ?? 0))
        }
        return rescored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.position < $1.position }.map { hits[$0.position] }
    }
}
