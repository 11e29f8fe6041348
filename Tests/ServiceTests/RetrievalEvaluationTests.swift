import Catalog
import Search
import Service
import TestSupport
import XCTest

/// The quality metrics are computed as defined.
final class RetrievalEvaluationTests: TimedTestCase {
    func testMetricsOfAKnownRanking() {
        // relevant at ranks 1, 3 and 4 of 5; 4 relevant items exist.
        let m = RetrievalMetrics(relevant: [true, false, true, true, false], relevantInCatalog: 4, depth: 5)
        XCTAssertEqual(m.precisionAt1, 1)
        XCTAssertEqual(m.precisionAt5, 0.6, accuracy: 1e-12)
        XCTAssertEqual(m.precisionAt10, 0.3, accuracy: 1e-12, "missing ranks count as not relevant")
        XCTAssertEqual(m.averagePrecision, (1.0 + 2.0 / 3 + 3.0 / 4) / 4, accuracy: 1e-12)
        XCTAssertEqual(m.averagePrecisionOfHits, (1.0 + 2.0 / 3 + 3.0 / 4) / 3, accuracy: 1e-12)
    }

    func testLeaveOneOutOnSeparableClustersIsPerfect() {
        // Two tight clusters in 4-d; each item's neighbours are its own cluster.
        var ids: [String] = [], attributes: [[String: String]] = [], vectors: [Float] = []
        for i in 0..<30 {
            let label = i < 15 ? "a" : "b"
            var v: [Float] = label == "a" ? [1, 0.01 * Float(i), 0, 0] : [0, 0, 1, 0.01 * Float(i)]
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = v.map { $0 / norm }
            ids.append("p\(i)"); attributes.append(["kind": label]); vectors += v
        }
        let table = VectorTable(modelKey: "test", ids: ids, attributes: attributes, dimension: 4, vectors: vectors)
        let report = RetrievalEvaluation.run(catalog: table, queries: nil, label: "kind", depth: 10)
        XCTAssertEqual(report.queries, 30)
        XCTAssertEqual(report.metrics.precisionAt1, 1)
        XCTAssertEqual(report.metrics.precisionAt10, 1)
        XCTAssertEqual(report.metrics.averagePrecision, 1, accuracy: 1e-12)
        // Labelling by an unrelated attribute gives chance-level precision.
        let shuffled = VectorTable(modelKey: "test", ids: ids, attributes: (0..<30).map { ["kind": $0 % 2 == 0 ? "x" : "y"] },
                                   dimension: 4, vectors: vectors)
        XCTAssertLessThan(RetrievalEvaluation.run(catalog: shuffled, queries: nil, label: "kind", depth: 10).metrics.precisionAt10, 0.7)
    }
}
