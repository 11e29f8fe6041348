import Catalog
import TestSupport
import XCTest
@testable import Search

final class ExactIndexTests: TimedTestCase {
    /// Dimension 200 is not a multiple of 64: rows and queries are padded.
    private static let dimension = 200
    private static let rows = 2000
    private static let queryCount = 24
    private static let vectors = randomUnitVectors(rows, dimension: dimension, seed: 1)
    private static let queries = randomUnitVectors(queryCount, dimension: dimension, seed: 2)
    /// Brute-force answers, computed once (slow in a debug build).
    private static let references: [VectorMetric: [[(row: Int, score: Double)]]] = Dictionary(
        uniqueKeysWithValues: VectorMetric.allCases.map { metric in
            (metric, (0 ..< queryCount).map { referenceTopK(vectors, dimension: dimension, query: query($0), k: 10, metric: metric) })
        })

    private var dimension: Int { Self.dimension }
    private var rows: Int { Self.rows }
    private var vectors: [Float] { Self.vectors }
    private var queries: [Float] { Self.queries }

    private static func query(_ index: Int) -> ArraySlice<Float> {
        queries[index * dimension ..< (index + 1) * dimension]
    }

    private func query(_ index: Int) -> ArraySlice<Float> { Self.query(index) }

    private func check(storage: VectorStorage, metric: VectorMetric, minimumRecall: Double, scoreTolerance: Double,
                       file: StaticString = #filePath, line: UInt = #line) {
        let index = ExactIndex(dimension: dimension, storage: storage, metric: metric, vectors: vectors)
        XCTAssertEqual(index.count, rows, file: file, line: line)
        var total = 0.0
        for number in 0 ..< Self.queryCount {
            let expected = Self.references[metric]?[number] ?? []
            let found = index.search(Array(query(number)), k: 10, filter: nil)
            XCTAssertEqual(found.count, 10, file: file, line: line)
            total += recall(found, expected)
            for (hit, reference) in zip(found, expected) {
                XCTAssertEqual(Double(hit.score), reference.score, accuracy: scoreTolerance, file: file, line: line)
            }
            let scores = found.map(\.score)
            XCTAssertEqual(scores, metric == .cosine ? scores.sorted(by: >) : scores.sorted(), "best first", file: file, line: line)
            if storage == .float32 {
                XCTAssertEqual(found.map(\.row), expected.map(\.row), file: file, line: line)
            }
        }
        let meanRecall = total / Double(Self.queryCount)
        XCTAssertGreaterThanOrEqual(meanRecall, minimumRecall, "\(storage) \(metric) recall@10", file: file, line: line)
    }

    func testFloat32MatchesBruteForceExactly() { check(storage: .float32, metric: .cosine, minimumRecall: 1, scoreTolerance: 1e-5) }
    func testFloat16Recall() { check(storage: .float16, metric: .cosine, minimumRecall: 0.99, scoreTolerance: 2e-3) }
    func testInt8Recall() { check(storage: .int8, metric: .cosine, minimumRecall: 0.95, scoreTolerance: 1e-2) }
    func testEuclideanFloat32() { check(storage: .float32, metric: .euclidean, minimumRecall: 1, scoreTolerance: 1e-4) }
    func testEuclideanFloat16() { check(storage: .float16, metric: .euclidean, minimumRecall: 0.99, scoreTolerance: 3e-3) }
    func testEuclideanInt8() { check(storage: .int8, metric: .euclidean, minimumRecall: 0.95, scoreTolerance: 2e-2) }

    func testEuclideanOnUnnormalisedVectorsOrdersByDistance() {
        let points: [Float] = [0, 0, 10, 0, 3, 4, -1, 0, 100, 100]
        for storage in VectorStorage.allCases {
            let index = ExactIndex(dimension: 2, storage: storage, metric: .euclidean, vectors: points)
            let hits = index.search([0, 0], k: 5, filter: nil)
            XCTAssertEqual(hits.map(\.row), [0, 3, 2, 1, 4], "\(storage)")
            XCTAssertEqual(hits[0].score, 0, accuracy: 1e-3)
            XCTAssertEqual(hits[2].score, 5, accuracy: storage == .int8 ? 0.1 : 0.01, "\(storage)")
        }
    }

    func testFullDimensionAndEveryStorageAgreeOnTheNearest() {
        let dimension = 1280
        let data = randomUnitVectors(500, dimension: dimension, seed: 9)
        var query = Array(data[37 * dimension ..< 38 * dimension])
        query[0] += 0.01
        for storage in VectorStorage.allCases {
            let index = ExactIndex(dimension: dimension, storage: storage, vectors: data)
            XCTAssertEqual(index.search(query, k: 1, filter: nil).first?.row, 37, "\(storage)")
            XCTAssertEqual(index.memoryBytes / 500, dimension * storage.bytesPerValue + (storage == .int8 ? 8 : 4), "\(storage)")
        }
    }

    func testFilterIsAppliedDuringTheScan() {
        for storage in VectorStorage.allCases {
            let index = ExactIndex(dimension: dimension, storage: storage, vectors: vectors)
            let allowed = Set((0 ..< rows).filter { $0 % 7 == 3 })
            let filter = RowFilter(allowing: allowed, rowCount: rows)
            for number in 0 ..< 5 {
                let found = index.search(Array(query(number)), k: 10, filter: filter)
                XCTAssertTrue(found.allSatisfy { allowed.contains($0.row) }, "\(storage)")
                let expected = referenceTopK(vectors, dimension: dimension, query: query(number), k: 10, metric: .cosine,
                                             allowed: allowed.contains)
                XCTAssertGreaterThanOrEqual(recall(found, expected), storage == .float32 ? 1 : 0.9, "\(storage)")
            }
            // A filter matching three rows returns exactly those three.
            let few = RowFilter(allowing: [5, 1999, 1234], rowCount: rows)
            XCTAssertEqual(Set(index.search(Array(query(0)), k: 10, filter: few).map(\.row)), [5, 1999, 1234])
            XCTAssertTrue(index.search(Array(query(0)), k: 10, filter: RowFilter(allowing: [], rowCount: rows)).isEmpty)
        }
    }

    func testRemovalAndCompaction() {
        var index = ExactIndex(dimension: dimension, storage: .float32, vectors: vectors)
        let target = Array(vectors[100 * dimension ..< 101 * dimension])
        XCTAssertEqual(index.search(target, k: 1, filter: nil).first?.row, 100)
        index.remove(rows: [100, 100, -5, 999_999])
        XCTAssertEqual(index.count, rows - 1)
        XCTAssertFalse(index.contains(row: 100))
        XCTAssertNil(index.vector(at: 100))
        XCTAssertFalse(index.search(target, k: 50, filter: nil).contains { $0.row == 100 })
        // Rows stay stable after a removal: 101 is still 101.
        let next = Array(vectors[101 * dimension ..< 102 * dimension])
        XCTAssertEqual(index.search(next, k: 1, filter: nil).first?.row, 101)
        // A filter that allows a removed row still never returns it.
        XCTAssertEqual(index.search(target, k: 5, filter: RowFilter(allowing: [100, 7], rowCount: rows)).map(\.row), [7])

        let mapping = index.compact()
        XCTAssertEqual(mapping[100], -1)
        XCTAssertEqual(mapping[101], 100)
        XCTAssertEqual(index.rowCount, rows - 1)
        XCTAssertEqual(index.search(next, k: 1, filter: nil).first?.row, 100)
        let added = index.add(target)
        XCTAssertEqual(added, [rows - 1])
        XCTAssertEqual(index.search(target, k: 1, filter: nil).first?.row, rows - 1)
    }

    func testBatchedAndParallelSearchMatchSingleThreaded() {
        for storage in VectorStorage.allCases {
            var single = ExactIndex(dimension: dimension, storage: storage, vectors: vectors)
            single.parallelThreshold = .max
            var parallel = single
            parallel.parallelThreshold = 0
            parallel.maxThreads = 3
            let filter = RowFilter(allowing: (0 ..< rows).filter { $0 % 3 != 0 }, rowCount: rows)
            let batched = parallel.search(batch: Array(queries[0 ..< 12 * dimension]), k: 7, filter: filter)
            XCTAssertEqual(batched.count, 12)
            for number in 0 ..< 12 {
                let one = single.search(Array(query(number)), k: 7, filter: filter)
                XCTAssertEqual(batched[number].map(\.row), one.map(\.row), "\(storage) query \(number)")
                XCTAssertEqual(parallel.search(Array(query(number)), k: 7, filter: filter).map(\.row), one.map(\.row))
            }
        }
    }

    func testEdgeCases() {
        var index = ExactIndex(dimension: 3)
        XCTAssertTrue(index.search([1, 0, 0], k: 5, filter: nil).isEmpty)
        index.add([1, 0, 0, 0, 1, 0])
        XCTAssertEqual(index.search([1, 0, 0], k: 0, filter: nil).count, 0)
        XCTAssertEqual(index.search([1, 0, 0], k: 10, filter: nil).map(\.row), [0, 1], "k larger than the index")
        XCTAssertEqual(index.search(batch: [], k: 3, filter: nil).count, 0)
        // Equal scores: lower row first.
        let twins = ExactIndex(dimension: 2, vectors: [0, 1, 1, 0, 1, 0, 1, 0])
        XCTAssertEqual(twins.search([1, 0], k: 2, filter: nil).map(\.row), [1, 2])
    }

    func testFloat16StorageFlushesSubnormalsAndDecodes() {
        XCTAssertEqual(VectorBuffer.storedHalf(1e-7), 0)
        XCTAssertEqual(VectorBuffer.storedHalf(-5e-5), 0x8400, "rounds to −2^-14, the smallest normal")
        XCTAssertEqual(VectorBuffer.storedHalf(1e6), 0x7bff, "clamped to the largest finite half")
        let index = ExactIndex(dimension: 4, storage: .float16, vectors: [0.5, -0.25, 1e-7, 0.1])
        let decoded = index.vector(at: 0) ?? []
        XCTAssertEqual(decoded[0], 0.5)
        XCTAssertEqual(decoded[2], 0)
        XCTAssertEqual(decoded[3], 0.1, accuracy: 1e-4)
        XCTAssertEqual(index.search([0, 0, 0, 1], k: 1, filter: nil).first?.score ?? 0, 0.1, accuracy: 1e-4)
    }
}
