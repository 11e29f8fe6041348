import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Search
import Service
import Web
import TestSupport
import XCTest

/// "Why it matched" heat maps, the raw / tuned spaces, query expansion and cleanup parameters.
final class ExplainAndSpaceRouteTests: TimedTestCase {
    func testExplainAddsAHeatMapToEveryResult() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let query = try await WebFixtures.productImage(service, id: "test-7")
        let body = MultipartBody.image(query, filename: "shirt.png")
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/search?k=4&explain=1", method: .post, headers: body.headers(), body: body.body)
            XCTAssertEqual(response.status, .ok, response.text)
            let results = try XCTUnwrap(try response.object()["results"] as? [[String: Any]])
            XCTAssertEqual(results.count, 4)
            for result in results {
                let map = try XCTUnwrap(result["heatmap"] as? [String: Any], "\(result)")
                let width = try XCTUnwrap(map["width"] as? Int), height = try XCTUnwrap(map["height"] as? Int)
                let values = try XCTUnwrap(map["values"] as? [Double])
                XCTAssertEqual(width, 7)
                XCTAssertEqual(height, 7)
                XCTAssertEqual(values.count, width * height)
                XCTAssertTrue(values.allSatisfy { (0...1).contains($0) })
                XCTAssertEqual(values.max(), 1, "scaled so the best cell is 1")
                let region = try XCTUnwrap(map["region"] as? [String: Double])
                XCTAssertEqual(region["width"], 1, "Fashion-MNIST images are square: the map covers all of it")
                XCTAssertNotNil(map["peak"] as? Double)
            }
            // The product itself: its best cell is very like the whole query, and lies on the garment, not the black border.
            let first = try XCTUnwrap(results.first?["heatmap"] as? [String: Any])
            XCTAssertGreaterThan(try XCTUnwrap(first["peak"] as? Double), 0.5)
            let values = try XCTUnwrap(first["values"] as? [Double])
            let best = try XCTUnwrap(values.indices.max { values[$0] < values[$1] })
            XCTAssertTrue((1...5).contains(best % 7) && (1...5).contains(best / 7), "best cell \(best) is on the border")

            let plain = try await client.execute(uri: "/api/search?k=2", method: .post, headers: body.headers(), body: body.body)
            let plainResults = try XCTUnwrap(try plain.object()["results"] as? [[String: Any]])
            XCTAssertNil(plainResults[0]["heatmap"], "heat maps only when asked for")

            let similar = try await client.execute(uri: "/api/products/test-7/similar?k=3&explain=1", method: .get)
            XCTAssertEqual(similar.status, .ok, similar.text)
            let similarResults = try XCTUnwrap(try similar.object()["results"] as? [[String: Any]])
            XCTAssertEqual(similarResults.compactMap { $0["heatmap"] }.count, 3)

            // explain with a large k explains the first results only: its cost stays that of a few queries.
            let many = try await client.execute(uri: "/api/products/test-7/similar?k=30&explain=1", method: .get)
            let manyResults = try XCTUnwrap(try many.object()["results"] as? [[String: Any]])
            XCTAssertEqual(manyResults.count, 30)
            XCTAssertEqual(manyResults.prefix(QueryDefaults.explainedResults).compactMap { $0["heatmap"] }.count,
                           QueryDefaults.explainedResults)
            XCTAssertTrue(manyResults.dropFirst(QueryDefaults.explainedResults).allSatisfy { $0["heatmap"] == nil })
        }
    }

    func testSpaceQueryExpansionCleanupAndExplainParametersAreChecked() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let body = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await WebFixtures.app(service).test(.router) { client in
            for query in ["space=fancy", "qe=-1", "qe=abc", "qe=101", "consensus=-1", "consensus=x", "explain=maybe", "cleanup=sparkle"] {
                let response = try await client.execute(uri: "/api/search?\(query)", method: .post, headers: body.headers(), body: body.body)
                XCTAssertAPIError(response, 400, "invalid_parameter")
            }
            // This catalog has no tuning: asking for it is an error that says what to do.
            let tuned = try await client.execute(uri: "/api/search?space=tuned", method: .post, headers: body.headers(), body: body.body)
            XCTAssertAPIError(tuned, 400, "invalid_parameter")
            XCTAssertTrue(tuned.errorMessage?.contains("lookalike tune") ?? false, tuned.text)
            let consensus = try await client.execute(uri: "/api/search?consensus=10", method: .post, headers: body.headers(), body: body.body)
            XCTAssertAPIError(consensus, 400, "invalid_parameter")
            XCTAssertTrue(consensus.errorMessage?.contains("lookalike tune") ?? false, "consensus needs the tuning's label: \(consensus.text)")
            for query in ["space=raw&qe=5", "cleanup=none", "cleanup=item+salient", "cleanup=grey"] {
                let response = try await client.execute(uri: "/api/search?k=3&\(query)", method: .post, headers: body.headers(), body: body.body)
                XCTAssertEqual(response.status, .ok, "\(query): \(response.text)")
            }
        }
    }

    func testMoreLikeThisUsesTheCatalogTuningOnceFitted() async throws {
        let service = try await WebFixtures.tunedFashion(limit: 300)
        XCTAssertEqual(service.tuning?.label, "articleType")

        func categoryPrecision(_ request: SearchRequest) async throws -> Double {
            var total = 0.0
            for n in stride(from: 0, to: 300, by: 10) {
                let id = "test-\(n)"
                let wanted = try await service.store.product(id: id)?.attributes["articleType"]
                let results = try await service.similar(to: id, request: request)
                XCTAssertFalse(results.contains { $0.product.id == id })
                total += Double(results.filter { $0.product.attributes["articleType"] == wanted }.count) / Double(results.count)
            }
            return total / 30
        }
        let tuned = try await categoryPrecision(SearchRequest(k: 5))
        var rawRequest = SearchRequest(k: 5)
        rawRequest.space = .raw
        let raw = try await categoryPrecision(rawRequest)
        XCTAssertGreaterThanOrEqual(tuned, raw, "tuned \(tuned) vs raw \(raw)")
        XCTAssertGreaterThan(tuned, 0.9)
        // Photo queries stay raw unless asked: the tuning helps "same kind", not "this exact item".
        XCTAssertEqual(try service.space(for: SearchRequest(), fromProduct: false), .raw)
        XCTAssertEqual(try service.space(for: SearchRequest(), fromProduct: true), .tuned)

        // The API answers each ranking option as the service does, though "more like this" is cached:
        // the same product asked raw, tuned, and tuned without consensus gets three separate answers.
        var plainRaw = SearchRequest(k: 10)
        plainRaw.space = .raw
        plainRaw.expansion = QueryExpansion(depth: 0)
        var unvoted = SearchRequest(k: 10)
        unvoted.consensus = 0
        let variants: [(query: String, request: SearchRequest)] = [
            ("k=10", SearchRequest(k: 10)), ("k=10&space=raw&qe=0", plainRaw), ("k=10&consensus=0", unvoted),
        ]
        let differ = try await WebFixtures.app(service).test(.router) { client -> Bool in
            var differ = false
            for n in stride(from: 0, to: 60, by: 10) {
                var answers: [[String]] = []
                for variant in variants {
                    let response = try await client.execute(uri: "/api/products/test-\(n)/similar?\(variant.query)", method: .get)
                    XCTAssertEqual(response.status, .ok, response.text)
                    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
                    let ids = ((json["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
                    let expected = try await service.similar(to: "test-\(n)", request: variant.request).map(\.product.id)
                    XCTAssertEqual(ids, expected, "test-\(n)?\(variant.query)")
                    answers.append(ids)
                }
                if Set(answers.map { $0.joined(separator: ",") }).count > 1 { differ = true }
            }
            return differ
        }
        XCTAssertTrue(differ, "the options rank differently for at least one of these products")
    }
}
