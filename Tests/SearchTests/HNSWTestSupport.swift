import Foundation
@testable import Search
import SearchBenchmarks

/// Clustered, normalised test data and its exact answers, for the HNSW tests.
struct HNSWFixture {
    let dimension: Int
    let vectors: [Float]
    let queries: [Float]

    init(rows: Int, dimension: Int, queries: Int, clusters: Int = 100, seed: UInt64 = 7) {
        let data = SyntheticVectors(dimension: dimension, clusters: clusters, seed: seed)
        self.dimension = dimension
        vectors = data.vectors(0 ..< rows)
        self.queries = data.queries(queries)
    }

    var queryCount: Int { queries.count / dimension }

    func query(_ index: Int) -> [Float] { Array(queries[index * dimension ..< (index + 1) * dimension]) }

    func vector(_ row: Int) -> [Float] { Array(vectors[row * dimension ..< (row + 1) * dimension]) }

    /// Exact top-k of every query (scalar brute force in f32: fast in debug builds too), rows only.
    func truth(k: Int = 10, metric: VectorMetric = .cosine, filter: RowFilter? = nil, removed: [Int] = []) -> [[Int]] {
        let rows = vectors.count / dimension
        let gone = Set(removed)
        return vectors.withUnsafeBufferPointer { data in
            queries.withUnsafeBufferPointer { all in
                (0 ..< queryCount).map { number in
                    var scored: [(score: Float, row: Int)] = []
                    for row in 0 ..< rows where !gone.contains(row) && (filter?.allows(row) ?? true) {
                        var dot: Float = 0, distance: Float = 0
                        for index in 0 ..< dimension {
                            let x = data[row * dimension + index], q = all[number * dimension + index]
                            dot += x * q
                            distance += (x - q) * (x - q)
                        }
                        scored.append((metric == .cosine ? dot : -distance, row))
                    }
                    scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
                    return scored.prefix(k).map(\.row)
                }
            }
        }
    }
}

/// Mean share of `truth` found in `found`.
func hnswRecall(_ found: [[SearchHit]], _ truth: [[Int]]) -> Double {
    SearchBenchmark.recallAt(answers: found.map { $0.map(\.row) }, truth: truth)
}
