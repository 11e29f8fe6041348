import Catalog

/// Exact-item re-ranking of photo queries: every product's score is its cosine with the query vector plus the best
/// normalised cross-correlation of its stored item signature with the photo's (one per trial angle). The model's
/// features find the kind of garment, the signatures pick the very item among its near-twins.
///
/// Scores the whole catalog (two matrix products), so it is exact and costs a few milliseconds per 10k products;
/// a product without a signature gets the cosine alone.
public struct ItemVerification: Sendable {
    /// Weight of the cosine beside the signature match (chosen on tuning photos of train items).
    public static let cosineWeight: Float = 1
    /// Signature row of each catalog row (nil: the product has no signature).
    private let signatureRow: [Int?]
    private let signatures: [Float]
    private let dimension: Int
    private let catalog: VectorTable
    private let bitsets: AttributeBitsets

    /// Verification of `catalog`'s products with the item signatures in `signatures` (matched by product id).
    public init(catalog: VectorTable, signatures: VectorTable) {
        let rowOf = Dictionary(signatures.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.signatureRow = catalog.ids.map { rowOf[$0] }
        self.signatures = signatures.vectors
        self.dimension = signatures.dimension
        self.catalog = catalog
        self.bitsets = AttributeBitsets(attributes: catalog.attributes)
    }

    /// Products with a signature.
    public var coverage: Int { signatureRow.lazy.filter { $0 != nil }.count }

    /// The first `k` catalog rows by cosine(query) · weight + best signature match, among rows `allowed` lets through.
    /// Without photo signatures (no garment found) the cosine alone ranks.
    public func rank(query: [Float], photoSignatures: [[Float]], k: Int, allowed: ((Int) -> Bool)? = nil) -> [SearchHit] {
        let count = catalog.count
        guard count > 0, k > 0, query.count == catalog.dimension else { return [] }
        let cosines = LinearAlgebra.multiply(catalog.vectors, query, m: count, k: catalog.dimension, n: 1)
        let usable = photoSignatures.filter { $0.count == dimension }
        var best = [Float](repeating: 0, count: signatures.count / max(dimension, 1))
        if !usable.isEmpty, !best.isEmpty {
            let matches = LinearAlgebra.multiply(signatures, usable.flatMap { $0 }, m: best.count, k: dimension, n: usable.count,
                                                 transposeA: false, transposeB: true)
            for r in best.indices {
                var top = matches[r * usable.count]
                for a in 1..<usable.count { top = max(top, matches[r * usable.count + a]) }
                best[r] = top
            }
        }
        var hits: [SearchHit] = []
        hits.reserveCapacity(k + 1)
        for row in 0..<count where allowed?(row) ?? true {
            let score = ItemVerification.cosineWeight * cosines[row] + (usable.isEmpty ? 0 : signatureRow[row].map { best[$0] } ?? 0)
            guard hits.count < k || score > hits[hits.count - 1].score else { continue }
            let at = hits.firstIndex { $0.score < score } ?? hits.count
            hits.insert(SearchHit(row: row, score: score), at: at)
            if hits.count > k { hits.removeLast() }
        }
        return hits
    }

    /// `rank` by product: the first `k` products whose attributes match `filters` (AND across keys, OR across a
    /// key's values), leaving out the ids in `excluding`.
    public func rank(query: [Float], photoSignatures: [[Float]], k: Int, filters: [String: [String]],
                     excluding: Set<String> = []) -> [(id: String, score: Float)] {
        let filter = bitsets.filter(filters)
        let allowed: ((Int) -> Bool)? = filter == nil && excluding.isEmpty ? nil : { row in
            (filter?.allows(row) ?? true) && !excluding.contains(catalog.ids[row])
        }
        return rank(query: query, photoSignatures: photoSignatures, k: k, allowed: allowed).map { (catalog.ids[$0.row], $0.score) }
    }
}
