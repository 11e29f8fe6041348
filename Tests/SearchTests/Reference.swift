import Foundation
@testable import Search

/// Random unit vectors (Gaussian, normalised) from a seeded generator.
func randomUnitVectors(_ count: Int, dimension: Int, seed: UInt64) -> [Float] {
    var random = SplitMix64(seed: seed)
    var values = [Float](repeating: 0, count: count * dimension)
    for row in 0 ..< count {
        var norm: Float = 0
        for index in 0 ..< dimension {
            let value = random.nextGaussian()
            values[row * dimension + index] = value
            norm += value * value
        }
        for index in 0 ..< dimension { values[row * dimension + index] /= norm.squareRoot() }
    }
    return values
}

/// Brute-force top-k in double precision: (row, score) best first; ties by row.
func referenceTopK(_ vectors: [Float], dimension: Int, query: ArraySlice<Float>, k: Int, metric: VectorMetric,
                   allowed: (Int) -> Bool = { _ in true }) -> [(row: Int, score: Double)] {
    let rows = vectors.count / dimension
    var scored: [(row: Int, score: Double)] = []
    for row in 0 ..< rows where allowed(row) {
        var dot = 0.0, distance = 0.0
        for index in 0 ..< dimension {
            let x = Double(vectors[row * dimension + index]), q = Double(query[query.startIndex + index])
            dot += x * q
            distance += (x - q) * (x - q)
        }
        scored.append((row, metric == .cosine ? dot : distance.squareRoot()))
    }
    scored.sort { metric == .cosine ? ($0.score, $1.row) > ($1.score, $0.row) : ($0.score, $0.row) < ($1.score, $1.row) }
    return Array(scored.prefix(k))
}

func recall(_ found: [SearchHit], _ expected: [(row: Int, score: Double)]) -> Double {
    guard !expected.isEmpty else { return 1 }
    return Double(Set(found.map(\.row)).intersection(expected.map(\.row)).count) / Double(expected.count)
}
