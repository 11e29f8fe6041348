import Foundation

/// α-weighted query expansion (αQE): search, then search again with
/// q' = L2(q + Σᵢ max(sᵢ, 0)^α · dᵢ) over the first `depth` results dᵢ with scores sᵢ.
///
/// Pulls the query towards the dense region of its best matches: more of the same kind of product
/// (measured on Fashion-MNIST: +0.01…0.03 P@10, +0.01…0.04 mAP@100), at the cost of a second search.
public struct QueryExpansion: Sendable, Hashable {
    /// Neighbours averaged in (0 turns expansion off).
    public var depth: Int
    /// Exponent on their cosine similarities.
    public var alpha: Float

    /// Expansion over `depth` neighbours with exponent `alpha`.
    public init(depth: Int, alpha: Float = 3) {
        self.depth = depth
        self.alpha = alpha
    }

    /// The expanded query from the first neighbours (unit vectors) and their cosine similarities.
    public func expand(_ query: [Float], neighbours: [[Float]], similarities: [Float]) -> [Float] {
        var out = query
        for (vector, similarity) in zip(neighbours.prefix(depth), similarities.prefix(depth)) where vector.count == query.count {
            let weight = Float(Foundation.pow(Double(Swift.max(similarity, 0)), Double(alpha)))
            for i in out.indices { out[i] += weight * vector[i] }
        }
        let norm = out.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? out.map { $0 / norm } : query
    }
}
