import Foundation
@testable import Search
import XCTest

/// PCA-whitening: the kept directions are the catalog's leading ones, each with unit variance, and outputs have unit length.
final class PCAWhiteningTests: XCTestCase {
    /// Vectors with variances 16, 4, 1 and 0.01 … along known axes (0, 1, 2, then the rest), offset from the origin.
    private func anisotropic(count: Int, seed: UInt64) -> [Float] {
        let d = 8, scales: [Float] = [4, 2, 1, 0.1, 0.1, 0.1, 0.1, 0.1]
        var random = SplitMix64(seed: seed)
        var vectors = [Float]()
        for _ in 0..<count { for j in 0..<d { vectors.append(5 + scales[j] * random.nextGaussian()) } }
        return vectors
    }

    func testKeptDirectionsAreTheLeadingOnesAtUnitVariance() throws {
        let n = 4000, d = 8, k = 3
        let vectors = anisotropic(count: n, seed: 5)
        let pca = try PCAWhitening(vectors: vectors, count: n, dimension: d, dimensions: k)
        XCTAssertEqual(pca.outputDimension, k)
        // Before the final L2: y = Pᵀ(x − μ) must have (nearly) the identity covariance.
        var covariance = [Double](repeating: 0, count: k * k)
        for r in 0..<n {
            var y = [Double](repeating: 0, count: k)
            for j in 0..<d {
                let centred = Double(vectors[r * d + j] - pca.mean[j])
                for o in 0..<k { y[o] += centred * Double(pca.projection[j * k + o]) }
            }
            for a in 0..<k { for b in 0..<k { covariance[a * k + b] += y[a] * y[b] / Double(n) } }
        }
        for a in 0..<k { for b in 0..<k { XCTAssertEqual(covariance[a * k + b], a == b ? 1 : 0, accuracy: 1e-3, "cov[\(a)][\(b)]") } }
        // Output o follows axis o (variance 16, 4, 1): its column points along that axis, scaled by 1/σ.
        let sigmas: [Float] = [4, 2, 1]
        for o in 0..<k {
            for j in 0..<d {
                let expected: Float = j == o ? 1 / sigmas[o] : 0
                XCTAssertEqual(abs(pca.projection[j * k + o]), expected, accuracy: 0.03 / sigmas[o], "column \(o) row \(j)")
            }
        }
        // Outputs are unit vectors, one at a time as in a batch.
        let batch = pca.project(rows: Array(vectors[0..<(10 * d)]), count: 10)
        for r in 0..<10 {
            XCTAssertEqual(Double(batch[(r * k)..<((r + 1) * k)].reduce(0) { $0 + $1 * $1 }), 1, accuracy: 1e-4)
            let one = pca.project(Array(vectors[(r * d)..<((r + 1) * d)]))
            for o in 0..<k { XCTAssertEqual(one[o], batch[r * k + o], accuracy: 1e-5) }
        }
    }

    func testTooFewVectorsOrDimensionsAreRefused() {
        let vectors = anisotropic(count: 10, seed: 1)
        XCTAssertThrowsError(try PCAWhitening(vectors: vectors, count: 10, dimension: 8, dimensions: 9))
        XCTAssertThrowsError(try PCAWhitening(vectors: Array(vectors.prefix(16)), count: 2, dimension: 8, dimensions: 4))
        XCTAssertThrowsError(try PCAWhitening(vectors: [Float](repeating: 0.5, count: 80), count: 10, dimension: 8, dimensions: 4)) { error in
            XCTAssertTrue("\(error)".contains("do not vary"), "\(error)")
        }
    }
}
