import TestSupport
import XCTest
@testable import Search
import SearchBenchmarks

/// The C dot-product kernels behind `HNSWFloat32Space` and `HNSWFloat16Space` against plain double sums
/// of the stored (decoded) rows, for every entry point: query · row, four rows at once, row · row.
final class HNSWSpaceTests: TimedTestCase {
    func testSpacesMatchScalarDotProducts() {
        let dimension = 200  // padded to a stride of 256: the kernels also run over the zero padding
        let data = SyntheticVectors(dimension: dimension, clusters: 3, seed: 11, recipe: .latent)
        let rows = data.vectors(0 ..< 6), query = data.queries(1)
        for storage in [VectorStorage.float32, .float16] {
            var buffer = VectorBuffer(storage: storage, dimension: dimension)
            rows.withUnsafeBufferPointer { buffer.append(rows: $0.baseAddress!, count: 6) }
            let prepared = query.withUnsafeBufferPointer { buffer.prepare($0) }
            let decoded = (0 ..< 6).map { buffer.decode(row: $0) }
            func expected(_ a: [Float], _ b: [Float]) -> Float {
                Float(zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
            }
            let (single, four, pair) = prepared.withUnsafeBufferPointer { q -> ([Float], SIMD4<Float>, Float) in
                let q = q.baseAddress!
                switch storage {
                case .float16:
                    return buffer.halves.withUnsafeBytes { raw in
                        let space = HNSWFloat16Space(base: raw.baseAddress!, stride: buffer.stride)
                        return ((0 ..< 6).map { space.dot($0, q) }, space.dot4(SIMD4(5, 1, 3, 0), q), space.dot(2, 4))
                    }
                default:
                    return buffer.floats.withUnsafeBufferPointer { values in
                        let space = HNSWFloat32Space(base: values.baseAddress!, stride: buffer.stride)
                        return ((0 ..< 6).map { space.dot($0, q) }, space.dot4(SIMD4(5, 1, 3, 0), q), space.dot(2, 4))
                    }
                }
            }
            for row in 0 ..< 6 {
                XCTAssertEqual(single[row], expected(decoded[row], query), accuracy: 1e-5, "\(storage) row \(row)")
            }
            for (lane, row) in [5, 1, 3, 0].enumerated() {
                XCTAssertEqual(four[lane], single[row], accuracy: 1e-5, "\(storage) dot4 lane \(lane)")
            }
            XCTAssertEqual(pair, expected(decoded[2], decoded[4]), accuracy: 1e-5, "\(storage) row · row")
        }
    }
}
