import Catalog

/// Exact-item re-ranking of photo queries: every product's score is its cosine with the query vector plus the best
/// normalised cross-correlation of its stored item signature with the photo's (one per trial angle). The model's
/// features find the kind of garment, the signatures pick the very item among its near-twins.
///
/// Scores the whole catalog (two matrix products), so it is exact and costs a few milliseconds per 10k products.
/// A product without a signature (none stored, or a blank image's zeros) adds the lowest match, −1, so it ranks
/// below verified products of the same cosine. Products can be added, replaced and removed as the catalog changes.
public struct ItemVerification: Sendable {
    /// Weight of the cosine beside the signature match (chosen on tuning photos of train items).
    public static let cosineWeight: Float = 1
    private var ids: [String]
    private var rowOf: [String: Int]
    private var attributes: [[String: String]]
    private var alive: [Bool]
    private var vectors: [Float]
    private let vectorDimension: Int
    /// One signature per catalog row (zeros where `signed` is false).
    private var signatures: [Float]
    private var signed: [Bool]
    private let signatureDimension: Int
    private var bitsets: AttributeBitsets

    /// Verification of `catalog`'s products with the item signatures in `signatures` (matched by product id), keeping
    /// only those `usable` accepts (e.g. made from the same image as the product's vector).
    public init(catalog: VectorTable, signatures: VectorTable, usable: (String) -> Bool = { _ in true }) {
        let signatureRowOf = Dictionary(signatures.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let d = signatures.dimension
        self.ids = catalog.ids
        self.rowOf = Dictionary(catalog.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.attributes = catalog.attributes
        self.alive = Array(repeating: true, count: catalog.count)
        self.vectors = catalog.vectors
        self.vectorDimension = catalog.dimension
        self.signatureDimension = d
        self.signatures = [Float](repeating: 0, count: catalog.count * d)
        self.signed = Array(repeating: false, count: catalog.count)
        self.bitsets = AttributeBitsets(attributes: catalog.attributes)
        for (row, id) in catalog.ids.enumerated() {
            guard let s = signatureRowOf[id], usable(id) else { continue }
            let signature = signatures.vectors[(s * d)..<((s + 1) * d)]
            guard ItemVerification.isSignature(signature, dimension: d) else { continue }
            self.signatures.replaceSubrange((row * d)..<((row + 1) * d), with: signature)
            signed[row] = true
        }
    }

    /// A stored signature of the right length that is not the blank one (all zeros).
    private static func isSignature(_ values: some Collection<Float>, dimension: Int) -> Bool {
        values.count == dimension && values.contains { $0 != 0 }
    }

    /// Products with a signature.
    public var coverage: Int { zip(signed, alive).lazy.filter { $0 && $1 }.count }

    /// Adds a product or replaces one with the same id (its vector, attributes and signature; nil: none).
    public mutating func upsert(id: String, attributes: [String: String], vector: [Float], signature: [Float]?) {
        guard vector.count == vectorDimension else { return }
        let usable = signature.flatMap { ItemVerification.isSignature($0, dimension: signatureDimension) ? $0 : nil }
        let row: Int
        if let existing = rowOf[id] {
            row = existing
            vectors.replaceSubrange((row * vectorDimension)..<((row + 1) * vectorDimension), with: vector)
            signatures.replaceSubrange((row * signatureDimension)..<((row + 1) * signatureDimension),
                                       with: usable ?? [Float](repeating: 0, count: signatureDimension))
            self.attributes[row] = attributes
            alive[row] = true
            signed[row] = usable != nil
        } else {
            row = ids.count
            ids.append(id)
            rowOf[id] = row
            self.attributes.append(attributes)
            alive.append(true)
            vectors += vector
            signatures += usable ?? [Float](repeating: 0, count: signatureDimension)
            signed.append(usable != nil)
        }
        bitsets = AttributeBitsets(attributes: self.attributes)
    }

    /// Removes a product (it is never ranked again unless added back).
    public mutating func remove(id: String) {
        if let row = rowOf[id] { alive[row] = false }
    }

    /// The first `k` rows by cosine(query) · weight + best signature match, among rows `allowed` lets through.
    /// Without photo signatures (no garment found) the cosine alone ranks.
    func rank(query: [Float], photoSignatures: [[Float]], k: Int, allowed: ((Int) -> Bool)? = nil) -> [SearchHit] {
        let count = ids.count
        guard count > 0, k > 0, query.count == vectorDimension else { return [] }
        let cosines = LinearAlgebra.multiply(vectors, query, m: count, k: vectorDimension, n: 1)
        let usable = photoSignatures.filter { $0.count == signatureDimension }
        var best = [Float](repeating: -1, count: count)
        if !usable.isEmpty {
            let matches = LinearAlgebra.multiply(signatures, usable.flatMap { $0 }, m: count, k: signatureDimension, n: usable.count,
                                                 transposeB: true)
            for r in 0..<count where signed[r] {
                var top = matches[r * usable.count]
                for a in 1..<usable.count { top = max(top, matches[r * usable.count + a]) }
                best[r] = top
            }
        }
        let kept = min(k, count)
        var hits: [SearchHit] = []
        hits.reserveCapacity(kept + 1)
        for row in 0..<count where alive[row] && (allowed?(row) ?? true) {
            let score = ItemVerification.cosineWeight * cosines[row] + (usable.isEmpty ? 0 : best[row])
            guard hits.count < kept || score > hits[hits.count - 1].score else { continue }
            let at = hits.firstIndex { $0.score < score } ?? hits.count
            hits.insert(SearchHit(row: row, score: score), at: at)
            if hits.count > kept { hits.removeLast() }
        }
        return hits
    }

    /// The first `k` products by cosine + best signature match whose attributes match `filters` (AND across keys, OR
    /// across a key's values), leaving out the ids in `excluding`.
    public func rank(query: [Float], photoSignatures: [[Float]], k: Int, filters: [String: [String]] = [:],
                     excluding: Set<String> = []) -> [(id: String, score: Float)] {
        let filter = bitsets.filter(filters)
        let allowed: ((Int) -> Bool)? = filter == nil && excluding.isEmpty ? nil : { [ids] row in
            (filter?.allows(row) ?? true) && !excluding.contains(ids[row])
        }
        return rank(query: query, photoSignatures: photoSignatures, k: k, allowed: allowed).map { (ids[$0.row], $0.score) }
    }
}
