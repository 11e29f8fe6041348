import Search

/// A product a search found: the score of its best image and which image that was.
public struct ProductHit: Sendable, Hashable {
    /// The product's id.
    public var id: String
    /// Cosine similarity (higher is closer) or Euclidean distance (lower is closer) of its best image.
    public var score: Float
    /// The image that matched: 0 the primary one, else its `ProductPhoto.position`.
    public var image: Int

    /// Creates a hit.
    public init(id: String, score: Float, image: Int = 0) {
        self.id = id
        self.score = score
        self.image = image
    }
}

/// Rankings of images (a product can come back once per image) made into rankings of products, each
/// product once, scored by its best image.
enum ImageCollapse {
    /// The first — best — hit of each product, in the ranking's order, at most `k`.
    static func firstOfEachProduct(_ hits: [ProductHit], k: Int) -> [ProductHit] {
        var seen = Set<String>()
        var products: [ProductHit] = []
        for hit in hits where products.count < k && seen.insert(hit.id).inserted { products.append(hit) }
        return products
    }

    /// How many images to ask for first for `k` products: `3k` when the catalog has additional images
    /// (a product can take several places), else `k`; at most `limit`.
    static func firstAsk(k: Int, hasImages: Bool, limit: Int) -> Int {
        hasImages ? max(k, min(k * 3, limit)) : k
    }

    /// How many images to ask for next after `asked` gave `hits` rows and `products` products, nil when done:
    /// `k` products found, fewer rows than asked (there are no more), or `limit` reached. Else four times more.
    static func nextAsk(after asked: Int, hits: Int, products: Int, k: Int, limit: Int) -> Int? {
        if products >= k || hits < asked || asked >= limit { return nil }
        return min(asked * 4, limit)
    }

    /// Several rankings of products merged: each product once with its best score over them (and the image
    /// of that score), best first, ties by id.
    static func merged(_ rankings: [[ProductHit]], metric: VectorMetric) -> [ProductHit] {
        guard rankings.count > 1 else { return rankings.first ?? [] }
        var best: [String: ProductHit] = [:]
        for hit in rankings.joined() {
            if let current = best[hit.id], !metric.isBetter(hit.score, than: current.score) { continue }
            best[hit.id] = hit
        }
        return best.values.sorted { a, b in
            a.score != b.score ? metric.isBetter(a.score, than: b.score) : a.id < b.id
        }
    }
}

extension VectorMetric {
    /// Whether score `a` is closer than `b`: higher cosine similarity, lower Euclidean distance.
    func isBetter(_ a: Float, than b: Float) -> Bool {
        self == .cosine ? a > b : a < b
    }
}
