import Embedding
import Foundation
import Imaging
import Service
import TestSupport
import XCTest

/// The batcher gives each query the vector a direct call gives, and batches queries that arrive together.
final class QueryBatcherTests: TimedTestCase {
    func testBatchedVectorsMatchDirectOnesAndCallsAreShared() async throws {
        let embedder = try WebFixtures.embedder()
        let names = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg", "china.jpg", "flower.jpg"]
        let images = try names.map { try embedder.decode(EncodedImage(data: try WebFixtures.data($0), name: $0)) }
        let direct = try embedder.embed(images)
        let batcher = QueryBatcher(embedder: embedder)
        let rounds = 4
        let answers = try await withThrowingTaskGroup(of: (Int, QueryBatcher.Embedding).self) { group in
            for round in 0 ..< rounds {
                for (index, image) in images.enumerated() {
                    group.addTask { (index, try await batcher.embed(image)) }
                }
                _ = round
            }
            var all: [(Int, QueryBatcher.Embedding)] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        XCTAssertEqual(answers.count, names.count * rounds)
        for (index, embedding) in answers {
            XCTAssertEqual(embedding.vector.count, embedder.dimension)
            let dot = zip(embedding.vector, direct[index]).map(*).reduce(0, +)
            XCTAssertGreaterThan(dot, 0.9999, "query \(names[index]) got another query's vector")
        }
        let statistics = batcher.statistics
        XCTAssertEqual(statistics.queries, names.count * rounds)
        XCTAssertLessThan(statistics.batches, names.count * rounds, "concurrent queries must share model calls")
        XCTAssertGreaterThan(answers.map(\.1.batchSize).max() ?? 0, 1)
        XCTAssertLessThanOrEqual(answers.map(\.1.batchSize).max() ?? 0, batcher.options.maxBatch)
    }

    func testALoneQueryDoesNotWait() async throws {
        let embedder = try WebFixtures.embedder()
        let image = try embedder.decode(EncodedImage(data: try WebFixtures.data("chelsea.png"), name: "chelsea.png"))
        let batcher = QueryBatcher(embedder: embedder)
        _ = try await batcher.embed(image)  // warm-up
        let embedding = try await batcher.embed(image)
        XCTAssertEqual(embedding.batchSize, 1)
        // Sent to the model at once, not held for company: no window or timer of a second or more.
        XCTAssertLessThan(embedding.queueMilliseconds, 1000)
    }

    func testWindowGathersQueries() async throws {
        let embedder = try WebFixtures.embedder()
        let image = try embedder.decode(EncodedImage(data: try WebFixtures.data("coffee.png"), name: "coffee.png"))
        var options = QueryBatcher.Options()
        options.window = .milliseconds(200)
        options.maxBatch = 3
        let batcher = QueryBatcher(embedder: embedder, options: options)
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0 ..< 3 { group.addTask { try await batcher.embed(image).batchSize } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(sizes, [3, 3, 3], "with a window, queries arriving close together share one call")
    }

    func testShutdownRefusesNewQueries() async throws {
        let embedder = try WebFixtures.embedder()
        let image = try embedder.decode(EncodedImage(data: try WebFixtures.data("coffee.png"), name: "coffee.png"))
        let batcher = QueryBatcher(embedder: embedder)
        batcher.shutdown()
        do {
            _ = try await batcher.embed(image)
            XCTFail("a stopped batcher must refuse")
        } catch {
            XCTAssertTrue("\(error)".contains("shut down"))
        }
    }
}
