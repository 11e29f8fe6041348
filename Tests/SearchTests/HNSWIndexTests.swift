import TestSupport
import XCTest
@testable import Search

final class HNSWIndexTests: TimedTestCase {
    private static let clustered = HNSWFixture(rows: 20_000, dimension: 128, queries: 100)
    private static let clusteredIndex = HNSWIndex(dimension: 128, vectors: clustered.vectors)
    private static let clusteredTruth = clustered.truth()

    func testRecallOnTwentyThousandClustered128d() {
        let fixture = Self.clustered, index = Self.clusteredIndex
        XCTAssertEqual(index.count, 20_000)
        let found = index.search(batch: fixture.queries, k: 10, filter: nil)
        XCTAssertTrue(found.allSatisfy { $0.count == 10 })
        let recall = hnswRecall(found, Self.clusteredTruth)
        XCTAssertGreaterThanOrEqual(recall, 0.95, "recall@10 at efSearch 64")
        // Scores are the exact dot products of the returned rows, best first.
        for (number, hits) in found.prefix(5).enumerated() {
            XCTAssertEqual(hits.map(\.score), hits.map(\.score).sorted(by: >))
            let query = fixture.query(number)
            for hit in hits {
                let dot = zip(query, fixture.vector(hit.row)).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                XCTAssertEqual(hit.score, dot, accuracy: 1e-4)
            }
        }
    }

    func testHigherEfSearchDoesNotLowerRecall() {
        let fixture = Self.clustered, index = Self.clusteredIndex
        let truth = Self.clusteredTruth
        let low = hnswRecall(index.search(batch: fixture.queries, k: 10, filter: nil, efSearch: 10), truth)
        let high = hnswRecall(index.search(batch: fixture.queries, k: 10, filter: nil, efSearch: 200), truth)
        XCTAssertGreaterThanOrEqual(high, low)
        XCTAssertGreaterThanOrEqual(high, 0.98)
    }

    func testRecallAt1280Dimensions() {
        let fixture = HNSWFixture(rows: 1000, dimension: 1280, queries: 30)
        let index = HNSWIndex(dimension: 1280, vectors: fixture.vectors)
        let recall = hnswRecall(index.search(batch: fixture.queries, k: 10, filter: nil), fixture.truth())
        XCTAssertGreaterThanOrEqual(recall, 0.9)
    }

    func testFloat16StorageRecall() {
        let fixture = HNSWFixture(rows: 5000, dimension: 96, queries: 50)
        let index = HNSWIndex(dimension: 96, storage: .float16, vectors: fixture.vectors)
        XCTAssertEqual(index.storage, .float16)
        let recall = hnswRecall(index.search(batch: fixture.queries, k: 10, filter: nil), fixture.truth())
        XCTAssertGreaterThanOrEqual(recall, 0.93)
        XCTAssertLessThan(index.memoryBytes, 5000 * (128 * 2 + 4 * 70))
    }

    func testAddsAfterBuildKeepRecall() {
        let fixture = HNSWFixture(rows: 8000, dimension: 64, queries: 60, seed: 11)
        var index = HNSWIndex(dimension: 64, vectors: Array(fixture.vectors[0 ..< 4000 * 64]))
        for batch in 0 ..< 4 {
            let start = (4000 + batch * 1000) * 64
            let rows = index.add(Array(fixture.vectors[start ..< start + 1000 * 64]))
            XCTAssertEqual(rows, Array(4000 + batch * 1000 ..< 5000 + batch * 1000))
        }
        XCTAssertEqual(index.count, 8000)
        let recall = hnswRecall(index.search(batch: fixture.queries, k: 10, filter: nil), fixture.truth())
        XCTAssertGreaterThanOrEqual(recall, 0.95)
        // A late row finds itself first.
        for row in [4000, 6543, 7999] {
            XCTAssertEqual(index.search(fixture.vector(row), k: 1, filter: nil).first?.row, row)
        }
    }

    func testRemovedRowsAreNeverReturnedAndRecallHolds() {
        let fixture = HNSWFixture(rows: 10_000, dimension: 64, queries: 80, seed: 12)
        var parameters = HNSWParameters()
        parameters.repairFraction = 10  // keep tombstones linked for the first check
        var index = HNSWIndex(dimension: 64, parameters: parameters, vectors: fixture.vectors)
        var random = SplitMix64(seed: 99)
        let removed = Array(Set((0 ..< 2000).map { _ in Int(random.next() % 10_000) }).union(0 ..< 200))
        // Remove the nearest rows of the queries too, so removal visibly matters.
        let nearest = fixture.truth(k: 3).flatMap { $0 }
        let allRemoved = Array(Set(removed).union(nearest))
        index.remove(rows: allRemoved)
        XCTAssertEqual(index.count, 10_000 - allRemoved.count)
        XCTAssertGreaterThan(index.graph.unrepairedRemovals, 0)
        let truth = fixture.truth(removed: allRemoved)
        let removedSet = Set(allRemoved)
        for (name, current) in [("tombstones", index), ("repaired", { var copy = index; copy.repair(); return copy }())] {
            let found = current.search(batch: fixture.queries, k: 10, filter: nil)
            XCTAssertFalse(found.joined().contains { removedSet.contains($0.row) }, "\(name): a removed row came back")
            XCTAssertTrue(found.allSatisfy { $0.count == 10 }, name)
            XCTAssertGreaterThanOrEqual(hnswRecall(found, truth), 0.93, "\(name) recall@10 after removing ~20 %")
            XCTAssertFalse(allRemoved.contains { current.contains(row: $0) })
        }
        // Automatic repair past the threshold, and adds after removal.
        index.parameters.repairFraction = 0.1
        guard let live = (200 ..< 10_000).first(where: { index.contains(row: $0) }) else { return XCTFail("no live row") }
        index.remove(rows: [live])
        XCTAssertEqual(index.graph.unrepairedRemovals, 0)
        let row = index.add(fixture.vector(removed[0]))[0]
        XCTAssertEqual(row, 10_000)
        XCTAssertEqual(index.search(fixture.vector(removed[0]), k: 1, filter: nil).first?.row, row)
    }

    func testRemovingEverythingLeavesAnEmptyIndex() {
        let fixture = HNSWFixture(rows: 300, dimension: 64, queries: 2)
        var index = HNSWIndex(dimension: 64, vectors: fixture.vectors)
        index.remove(rows: Array(0 ..< 300))
        XCTAssertEqual(index.count, 0)
        XCTAssertEqual(index.search(fixture.query(0), k: 5, filter: nil), [])
        let row = index.add(fixture.query(1))[0]
        XCTAssertEqual(index.search(fixture.query(1), k: 5, filter: nil).map(\.row), [row])
    }

    func testFilteredSearchReturnsOnlyAllowedRows() {
        let fixture = Self.clustered
        var index = Self.clusteredIndex
        var random = SplitMix64(seed: 5)
        for share in [0.3, 0.05, 0.005] {
            let allowed = (0 ..< 20_000).filter { _ in Double(random.next() % 10_000) < share * 10_000 }
            let filter = RowFilter(allowing: allowed, rowCount: 20_000)
            let truth = fixture.truth(filter: filter)
            // 5 %: once through the graph walk (threshold lowered), once through the exact fallback.
            for exactFraction in share == 0.05 ? [0.01, 0.1] : [0.03] {
                index.parameters.exactFilterFraction = exactFraction
                index.parameters.exactFilterRows = 0
                let found = index.search(batch: fixture.queries, k: 10, filter: filter)
                XCTAssertTrue(found.joined().allSatisfy { filter.allows($0.row) }, "share \(share)")
                XCTAssertTrue(found.allSatisfy { $0.count == 10 }, "share \(share)")
                XCTAssertGreaterThanOrEqual(hnswRecall(found, truth), 0.9, "share \(share), exact below \(exactFraction)")
            }
        }
        // Nothing allowed: nothing found.
        XCTAssertEqual(index.search(fixture.query(0), k: 10, filter: RowFilter(allowing: [], rowCount: 20_000)), [])
    }

    func testFilterAndTombstonesTogether() {
        let fixture = HNSWFixture(rows: 4000, dimension: 64, queries: 30, seed: 3)
        var index = HNSWIndex(dimension: 64, vectors: fixture.vectors)
        index.parameters.repairFraction = 10
        let filter = RowFilter(allowing: stride(from: 0, to: 4000, by: 3), rowCount: 4000)
        let removed = Array(stride(from: 0, to: 4000, by: 9))
        index.remove(rows: removed)
        let found = index.search(batch: fixture.queries, k: 10, filter: filter)
        let removedSet = Set(removed)
        XCTAssertTrue(found.joined().allSatisfy { filter.allows($0.row) && !removedSet.contains($0.row) })
        XCTAssertGreaterThanOrEqual(hnswRecall(found, fixture.truth(filter: filter, removed: removed)), 0.9)
    }

    func testEuclideanOrdersByDistance() {
        let points: [Float] = [0, 0, 10, 0, 3, 4, -1, 0, 100, 100]
        for storage in [VectorStorage.float32, .float16] {
            let index = HNSWIndex(dimension: 2, storage: storage, metric: .euclidean, vectors: points)
            let hits = index.search([0, 0], k: 5, filter: nil)
            XCTAssertEqual(hits.map(\.row), [0, 3, 2, 1, 4], "\(storage)")
            XCTAssertEqual(hits.map(\.score), [0, 1, 5, 10, 100 * 2.0.squareRoot()].map { Float($0) }, "\(storage)")
        }
        // Unnormalised clustered data: recall against exact L2.
        let fixture = HNSWFixture(rows: 5000, dimension: 32, queries: 40, seed: 21)
        let scaled = fixture.vectors.enumerated().map { $0.element * Float(1 + ($0.offset / 32) % 7) }
        let index = HNSWIndex(dimension: 32, metric: .euclidean, vectors: scaled)
        var exact = ExactIndex(dimension: 32, metric: .euclidean, vectors: scaled)
        exact.maxThreads = 1
        let truth = exact.search(batch: fixture.queries, k: 10, filter: nil)
        let found = index.search(batch: fixture.queries, k: 10, filter: nil)
        XCTAssertGreaterThanOrEqual(hnswRecall(found, truth.map { $0.map(\.row) }), 0.95)
        for hits in found { XCTAssertEqual(hits.map(\.score), hits.map(\.score).sorted()) }
    }

    func testFixedSeedOneThreadIsDeterministic() {
        let fixture = HNSWFixture(rows: 3000, dimension: 64, queries: 20, seed: 8)
        func build() -> HNSWIndex {
            var index = HNSWIndex(dimension: 64, parameters: HNSWParameters(seed: 1234), maxThreads: 1)
            index.add(fixture.vectors)
            return index
        }
        let first = build(), second = build()
        XCTAssertEqual(first.maxLevel, second.maxLevel)
        let bytes = first.graph.sectionByteCounts(rows: 3000)
        for (index, (a, b)) in zip(first.graph.sections, second.graph.sections).enumerated() {
            XCTAssertEqual(memcmp(a.base, b.base, bytes[index]), 0, "section \(index) differs")
        }
        XCTAssertEqual(first.search(batch: fixture.queries, k: 10, filter: nil),
                       second.search(batch: fixture.queries, k: 10, filter: nil))
        // Another seed draws other levels.
        var other = HNSWIndex(dimension: 64, parameters: HNSWParameters(seed: 99), maxThreads: 1)
        other.add(fixture.vectors)
        XCTAssertNotEqual(memcmp(first.graph.levels.base, other.graph.levels.base, 3000), 0)
    }

    func testCopiesAreIndependent() {
        let fixture = HNSWFixture(rows: 500, dimension: 64, queries: 1)
        let original = HNSWIndex(dimension: 64, vectors: fixture.vectors)
        var copy = original
        copy.remove(rows: [0, 1, 2])
        copy.add(fixture.query(0))
        XCTAssertEqual(original.count, 500)
        XCTAssertEqual(original.rowCount, 500)
        XCTAssertEqual(copy.count, 498)
        XCTAssertTrue(original.contains(row: 0))
        XCTAssertEqual(original.search(fixture.vector(0), k: 1, filter: nil).first?.row, 0)
    }
}
