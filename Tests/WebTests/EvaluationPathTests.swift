import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import Search
import Service
import TestSupport
import Web
import XCTest

/// `lookalike eval` scores what shoppers get: for a sample of queries, the ranked ids of the evaluation
/// path (`QualityEvaluation`) equal those of `POST /api/search` (photos) and
/// `GET /api/products/{id}/similar` ("more like this"), on a tuned catalog where the ranking has every step.
final class EvaluationPathTests: TimedTestCase {
    func testEvaluationRanksExactlyAsTheAPIAnswers() async throws {
        let service = try await WebFixtures.tunedFashion(limit: 300)
        XCTAssertNotNil(service.tuning)

        // Photos: the products' own images and two real photos; products: "more like this".
        var collected: [(name: String, data: Data)] = []
        for n in [3, 41, 150] { collected.append(("test-\(n)", try await WebFixtures.productImage(service, id: "test-\(n)"))) }
        collected.append(("chelsea", try WebFixtures.data("chelsea.png")))
        collected.append(("coffee", try WebFixtures.data("coffee.png")))
        let photos = collected
        let products = ["test-0", "test-77", "test-201"]
        let queries = photos.map { photo in
            QualityEvaluation.Query(name: photo.name, input: .photo { EncodedImage(data: photo.data, name: photo.name) }, label: nil)
        } + products.map { QualityEvaluation.Query(name: $0, input: .product(id: $0), label: nil) }
        let k = 20
        let answers = await QualityEvaluation.answers(queries, service: service, request: SearchRequest(k: k), label: "articleType", depth: k)
        let evaluated = try answers.map { try $0.get().ids }
        XCTAssertEqual(evaluated.count, queries.count)
        XCTAssertTrue(evaluated.allSatisfy { $0.count == k }, "\(evaluated.map(\.count))")

        let served = try await WebFixtures.app(service).test(.router) { client -> [[String]] in
            var served: [[String]] = []
            for photo in photos {
                let body = MultipartBody.image(photo.data, filename: "\(photo.name).png")
                let response = try await client.execute(uri: "/api/search?k=\(k)", method: .post, headers: body.headers(), body: body.body)
                XCTAssertEqual(response.status, .ok, response.text)
                served.append(try response.json(SearchBody.self).results.map(\.id))
            }
            for id in products {
                let response = try await client.execute(uri: "/api/products/\(id)/similar?k=\(k)", method: .get)
                XCTAssertEqual(response.status, .ok, response.text)
                served.append(try XCTUnwrap(try response.object()["results"] as? [[String: Any]]).compactMap { $0["id"] as? String })
            }
            return served
        }
        for (query, (evaluation, api)) in zip(queries, zip(evaluated, served)) {
            XCTAssertEqual(evaluation, api, "\(query.name): eval and the API rank differently")
        }
        XCTAssertEqual(evaluated[0].first, "test-3", "a product's own image finds it first")
    }
}
