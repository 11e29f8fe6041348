extension CatalogIndex {
    /// `search`, then — with an `expansion` and cosine scores — a second search from the query
    /// expanded by its first results (αQE). The filters and exclusions apply to both searches.
    public func search(_ query: [Float], k: Int, filters: [String: [String]] = [:], excluding: Set<String> = [],
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
