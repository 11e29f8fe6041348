import Catalog
import Foundation
@testable import Search
import TestSupport
import XCTest

/// Catalog-tuned similarity: fitting, projecting, storing, and query expansion.
final class TunedSimilarityTests: TimedTestCase {
    /// Labelled vectors where the class shows in 4 weak dimensions and 28 strong "nuisance" dimensions
    /// (colour, pose…) dominate raw cosine: raw neighbours are mostly other classes.
    private func labelledVectors(count: Int, seed: UInt64) -> (vectors: [Float], labels: [String]) {
        let d = 32, classes = 4
        var random = SplitMix64(seed: seed)
        var vectors = [Float](), labels = [String]()
        for i in 0..<count {
            let c = i % classes
            var row = [Float](repeating: 0, count: d)
            for j in 0..<d { row[j] = (j < 4 ? 0.3 : 1.5) * random.nextGaussian() }
            row[c] += 1.2
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vectors += row.map { $0 / norm }
            labels.append("class-\(c)")
        }
        return (vectors, labels)
    }

    /// Default parameters but for the output size and the probe's steps (small data, quick fits).
    private func small(dimensions: Int, probeIterations: Int) -> TunedSimilarity.Parameters {
        var parameters = TunedSimilarity.Parameters()
        parameters.dimensions = dimensions
        parameters.probeIterations = probeIterations
        return parameters
    }

    /// Mean fraction of each query's `k` nearest catalog rows that share its label.
    private func precision(catalog: [Float], catalogLabels: [String], queries: [Float], queryLabels: [String], dimension: Int, k: Int) -> Double {
        var index = ExactIndex(dimension: dimension, storage: .float32, metric: .cosine)
        _ = index.add(catalog)
        var total = 0.0
        for (q, label) in queryLabels.enumerated() {
            let hits = index.search(Array(queries[(q * dimension)..<((q + 1) * dimension)]), k: k, filter: nil)
            total += Double(hits.filter { catalogLabels[$0.row] == label }.count) / Double(k)
        }
        return total / Double(queryLabels.count)
    }

    func testTunedVectorsFindTheSameClassFarMoreOftenOnHeldOutItems() throws {
        let train = labelledVectors(count: 2000, seed: 1), test = labelledVectors(count: 200, seed: 2)
        let parameters = small(dimensions: 8, probeIterations: 200)
        let tuning = try TunedSimilarity.fit(vectors: train.vectors, dimension: 32, labels: train.labels, label: "type", parameters: parameters)
        XCTAssertEqual(tuning.classes, ["class-0", "class-1", "class-2", "class-3"])
        XCTAssertEqual(tuning.outputDimension, 8 + 4)
        XCTAssertEqual(tuning.fittedCount, 2000)

        let raw = precision(catalog: train.vectors, catalogLabels: train.labels, queries: test.vectors, queryLabels: test.labels, dimension: 32, k: 10)
        let tunedCatalog = tuning.project(rows: train.vectors, count: 2000), tunedQueries = tuning.project(rows: test.vectors, count: 200)
        let tuned = precision(catalog: tunedCatalog, catalogLabels: train.labels, queries: tunedQueries, queryLabels: test.labels,
                              dimension: tuning.outputDimension, k: 10)
        XCTAssertLessThan(raw, 0.6, "the nuisance dimensions should dominate raw cosine")
        XCTAssertGreaterThan(tuned, raw + 0.25, "tuned \(tuned) vs raw \(raw)")

        // One vector at a time gives what the batch gives, and tuned vectors are unit length.
        let single = tuning.project(Array(test.vectors[0..<32]))
        for (a, b) in zip(single, tunedQueries[0..<tuning.outputDimension]) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        XCTAssertEqual(single.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-4)
    }

    func testStoredTuningProjectsExactlyLikeTheFittedOne() throws {
        let train = labelledVectors(count: 400, seed: 3)
        let parameters = small(dimensions: 6, probeIterations: 20)
        let tuning = try TunedSimilarity.fit(vectors: train.vectors, dimension: 32, labels: train.labels, label: "type", parameters: parameters)
        let restored = try TunedSimilarity(encoded: tuning.encoded())
        XCTAssertEqual(restored.label, "type")
        XCTAssertEqual(restored.classes, tuning.classes)
        XCTAssertEqual(restored.parameters, parameters)
        let x = Array(train.vectors[64..<96])
        XCTAssertEqual(restored.project(x), tuning.project(x))
        XCTAssertThrowsError(try TunedSimilarity(encoded: Data("{\"version\": 1}".utf8)))
        var corrupt = try JSONSerialization.jsonObject(with: tuning.encoded()) as? [String: Any] ?? [:]
        corrupt["dimensions"] = 7  // the projection no longer has the promised size
        XCTAssertThrowsError(try TunedSimilarity(encoded: JSONSerialization.data(withJSONObject: corrupt))) { error in
            XCTAssertTrue("\(error)".contains("sizes"), "\(error)")
        }
    }

    func testFittingNeedsTwoClassesAndEnoughProducts() {
        let data = labelledVectors(count: 40, seed: 4)
        XCTAssertThrowsError(try TunedSimilarity.fit(vectors: data.vectors, dimension: 32, labels: data.labels.map { _ in "same" }, label: "type")) {
            XCTAssertTrue("\($0)".contains("at least 2"), "\($0)")
        }
        XCTAssertThrowsError(try TunedSimilarity.fit(vectors: Array(data.vectors[0..<(3 * 32)]), dimension: 32,
                                                     labels: Array(data.labels[0..<3]), label: "type"))
        // Unlabelled products are skipped, not counted as a class.
        var labels: [String?] = data.labels
        labels[0] = nil
        let parameters = small(dimensions: 4, probeIterations: 5)
        XCTAssertEqual(try TunedSimilarity.fit(vectors: data.vectors, dimension: 32, labels: labels, label: "type", parameters: parameters).fittedCount, 39)
    }

    func testStalenessAfterAQuarterOfTheCatalogChanged() throws {
        let data = labelledVectors(count: 400, seed: 5)
        let parameters = small(dimensions: 4, probeIterations: 5)
        let tuning = try TunedSimilarity.fit(vectors: data.vectors, dimension: 32, labels: data.labels, label: "type", parameters: parameters)
        XCTAssertFalse(tuning.isStale(catalogCount: 400))
        XCTAssertFalse(tuning.isStale(catalogCount: 480))
        XCTAssertTrue(tuning.isStale(catalogCount: 520))
        XCTAssertTrue(tuning.isStale(catalogCount: 250))
        // Products without the label count towards the catalog's size, not towards staleness.
        var labels: [String?] = data.labels
        for i in stride(from: 0, to: 400, by: 2) { labels[i] = nil }
        let partial = try TunedSimilarity.fit(vectors: data.vectors, dimension: 32, labels: labels, label: "type", parameters: parameters)
        XCTAssertEqual(partial.fittedCount, 200)
        XCTAssertEqual(partial.catalogCount, 400)
        XCTAssertFalse(partial.isStale(catalogCount: 400))
        XCTAssertEqual(try TunedSimilarity(encoded: partial.encoded()).catalogCount, 400)
    }

    func testQueryExpansionPullsTheQueryTowardsItsNeighbours() {
        let query: [Float] = [1, 0, 0]
        let expanded = QueryExpansion(depth: 2, alpha: 3).expand(query, neighbours: [[0.8, 0.6, 0], [0.8, 0, 0.6], [0, 1, 0]],
                                                                similarities: [0.8, 0.8, 0.0])
        XCTAssertEqual(expanded.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        XCTAssertGreaterThan(expanded[1], 0)
        XCTAssertEqual(expanded[1], expanded[2], accuracy: 1e-6, "equal weights for equal similarities; the third is past depth")
        XCTAssertEqual(QueryExpansion(depth: 0).expand(query, neighbours: [[0, 1, 0]], similarities: [1]), query)
        // Neighbours with negative similarity add nothing.
        XCTAssertEqual(QueryExpansion(depth: 1).expand(query, neighbours: [[0, 1, 0]], similarities: [-0.5]), query)
    }

    func testCatalogIndexSearchWithExpansionKeepsFiltersAndExclusions() {
        let vectors = randomUnitVectors(300, dimension: 16, seed: 9)
        let ids = (0..<300).map { "p\($0)" }
        let attributes = (0..<300).map { ["kind": $0 % 2 == 0 ? "even" : "odd"] }
        let index = CatalogIndex(table: VectorTable(modelKey: "m", ids: ids, attributes: attributes, dimension: 16, vectors: vectors),
                                 storage: .float32, metric: .cosine)
        let query = Array(vectors[0..<16])
        let hits = index.search(query, k: 10, filters: ["kind": ["even"]], excluding: ["p0"], expansion: QueryExpansion(depth: 5))
        XCTAssertEqual(hits.count, 10)
        XCTAssertFalse(hits.contains { $0.id == "p0" })
        XCTAssertTrue(hits.allSatisfy { (Int($0.id.dropFirst()) ?? 1) % 2 == 0 })
        XCTAssertEqual(hits.map(\.score), hits.map(\.score).sorted(by: >))
    }

    func testLabelConsensusMovesTheAgreedKindAheadOfStrayOnes() {
        // The first three agree on "shirt"; a stray "shoe" sits at rank 2, a fourth shirt at rank 5.
        let hits: [(id: String, score: Float, label: String?)] = [
            ("s1", 0.90, "shirt"), ("x1", 0.89, "shoe"), ("s2", 0.88, "shirt"), ("s3", 0.87, "shirt"), ("n1", 0.86, nil), ("s4", 0.85, "shirt"),
        ]
        let consensus = LabelConsensus(label: "type", neighbours: 4, weight: 1)
        let reranked = consensus.rerank(hits, score: \.score, labelOf: \.label).map(\.id)
        XCTAssertEqual(reranked, ["s1", "s2", "s3", "s4", "x1", "n1"], "3 of 4 voters say shirt: shirts first, in score order")
        XCTAssertEqual(LabelConsensus(label: "type", neighbours: 4, weight: 0).rerank(hits, score: \.score, labelOf: \.label).map(\.id),
                       hits.map(\.id), "weight 0 changes nothing")
        // Weight 0.05: each of the 4 votes adds 0.0125, so shirts gain 0.0375, the shoe 0.0125: s2 and s3
        // pass the shoe, s4 (0.85 + 0.0375) does not.
        XCTAssertEqual(LabelConsensus(label: "type", neighbours: 4, weight: 0.05).rerank(hits, score: \.score, labelOf: \.label).map(\.id),
                       ["s1", "s2", "s3", "x1", "s4", "n1"], "a small weight moves only near results")
    }

    func testCatalogIndexSearchWithConsensusReranksByTheCatalogsLabels() {
        // Two tight groups along the first axis; the query sits between them, nearer group A, so its
        // first results are A's, with B's interleaved further down: consensus puts every A first.
        var vectors: [Float] = [], ids: [String] = [], attributes: [[String: String]] = []
        for i in 0 ..< 40 {
            let inA = i % 2 == 0
            let angle = Float(i) * 0.002 + (inA ? 0 : 0.01)
            let v: [Float] = inA ? [cos(angle), sin(angle), 0] : [cos(angle), 0, sin(angle)]
            vectors += v
            ids.append("p\(i)")
            attributes.append(["group": inA ? "A" : "B"])
        }
        let index = CatalogIndex(table: VectorTable(modelKey: "m", ids: ids, attributes: attributes, dimension: 3, vectors: vectors),
                                 storage: .float32, metric: .cosine)
        let query: [Float] = [1, 0.001, 0]
        let plain = index.search(query, k: 20, expansion: nil)
        XCTAssertLessThan(plain.filter { index.attribute("group", of: $0.id) == "A" }.count, 20, "without re-ranking some B come in")
        let reranked = index.search(query, k: 20, excluding: ["p0"], expansion: nil, consensus: LabelConsensus(label: "group", neighbours: 5))
        XCTAssertEqual(reranked.count, 20)
        XCTAssertFalse(reranked.contains { $0.id == "p0" })
        XCTAssertEqual(reranked.prefix(19).filter { index.attribute("group", of: $0.id) == "A" }.count, 19, "every other A comes first")
        XCTAssertEqual(index.attribute("group", of: "p1"), "B")
        XCTAssertNil(index.attribute("group", of: "nope"))
    }
}
