extension CatalogIndex {
    /// `search`, then — with an `expansion` and cosine scores — a second search from the query
    /// expanded by its first results (αQE), then — with a `consensus` and cosine scores — the first
    /// `consensus.candidates` results re-ranked by the labels of the first ones (`LabelConsensus`; the
    /// scores returned stay cosine similarities). The filters and exclusions apply throughout.
    public func search(_ query: [Float], k: Int, filters: [String: [String]] = [:], excluding: Set<String> = [],
                       expansion: QueryExpansion?, consensus: LabelConsensus? = nil) -> [(id: String, score: Float)] {
        guard let consensus, consensus.neighbours > 0, metric == .cosine else {
            return expandedSearch(query, k: k, filters: filters, excluding: excluding, expansion: expansion)
        }
        let candidates = expandedSearch(query, k: Swift.max(k, consensus.candidates), filters: filters, excluding: excluding,
                                        expansion: expansion)
        return Array(consensus.rerank(candidates, score: \.score, labelOf: { attribute(consensus.label, of: $0.id) }).prefix(k))
    }

    /// `search`, with αQE when `expansion` asks for it.
    private func expandedSearch(_ query: [Float], k: Int, filters: [String: [String]], excluding: Set<String>,
                                expansion: QueryExpansion?) -> [(id: String, score: Float)] {
        guard let expansion, expansion.depth > 0, metric == .cosine else {
            return search(query, k: k, filters: filters, excluding: excluding)
        }
        let first = search(query, k: Swift.max(k, expansion.depth), filters: filters, excluding: excluding)
        var neighbours: [[Float]] = [], similarities: [Float] = []
        for hit in first.prefix(expansion.depth) {
            guard let vector = vector(for: hit.id) else { continue }
            neighbours.append(vector)
            similarities.append(hit.score)
        }
        guard !neighbours.isEmpty else { return Array(first.prefix(k)) }
        return search(expansion.expand(query, neighbours: neighbours, similarities: similarities), k: k,
                      filters: filters, excluding: excluding)
    }
}
