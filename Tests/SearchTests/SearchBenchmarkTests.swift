import Foundation
import TestSupport
import XCTest
@testable import Search
import SearchBenchmarks

final class SearchBenchmarkTests: TimedTestCase {
    func testSyntheticVectorsAreDeterministicNormalisedAndClustered() {
        let data = SyntheticVectors(dimension: 96, clusters: 4, seed: 7)
        let whole = data.vectors(0 ..< 3000)
        let part = data.vectors(2990 ..< 3000)
        XCTAssertEqual(Array(whole[2990 * 96 ..< 3000 * 96]), part, "row r is the same whichever range makes it")
        XCTAssertEqual(SyntheticVectors(dimension: 96, clusters: 4, seed: 7).vectors(0 ..< 5), data.vectors(0 ..< 5))
        XCTAssertNotEqual(SyntheticVectors(dimension: 96, clusters: 4, seed: 8).vectors(0 ..< 5), data.vectors(0 ..< 5))
        for row in 0 ..< 20 {
            let norm = whole[row * 96 ..< (row + 1) * 96].reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(norm, 1, accuracy: 1e-4)
        }
        // Clustered: each vector's best neighbour among others is much closer than random pairs are.
        let index = ExactIndex(dimension: 96, vectors: whole)
        let hits = index.search(Array(whole[0 ..< 96]), k: 2, filter: nil)
        XCTAssertGreaterThan(hits[1].score, 0.3)
        XCTAssertNotEqual(data.queries(3), data.vectors(0 ..< 3))
    }

    func testSmallRunProducesResultsAndJSONLines() throws {
        var configuration = SearchBenchmark.Configuration()
        configuration.sizes = [2000]
        configuration.dimension = 128
        configuration.queries = 20
        configuration.secondsPerCase = 0.2
        configuration.threads = [1]
        var seen = 0
        let results = SearchBenchmark.run(configuration) { _ in seen += 1 }
        XCTAssertEqual(results.map(\.storage), ["f32", "f16", "int8"])
        XCTAssertEqual(seen, 3)
        XCTAssertNil(results[0].recallAt10)
        XCTAssertGreaterThanOrEqual(results[1].recallAt10 ?? 0, 0.99)
        XCTAssertGreaterThanOrEqual(results[2].recallAt10 ?? 0, 0.9)
        XCTAssertEqual(results[0].bytesPerVector, 128 * 4 + 4, accuracy: 1)
        for result in results {
            XCTAssertGreaterThan(result.queriesPerSecond, 0)
            XCTAssertLessThanOrEqual(result.p50Milliseconds, result.p99Milliseconds)
            let object = try JSONSerialization.jsonObject(with: Data(result.jsonLine.utf8)) as? [String: Any]
            XCTAssertEqual(object?["engine"] as? String, "lookalike")
            XCTAssertEqual(object?["n"] as? Int, 2000)
            XCTAssertNotNil(object?["p50_ms"] as? Double)
        }
        XCTAssertTrue(results[1].jsonLine.hasPrefix(#"{"engine":"lookalike","storage":"f16","n":2000,"dim":128,"#))
        let table = SearchBenchmarkResult.table(results)
        XCTAssertEqual(table.split(separator: "\n").count, 4)
    }
}
