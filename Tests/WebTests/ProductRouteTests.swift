import EmbeddingTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Web
import TestSupport
import XCTest

/// `GET /api/products/{id}`, `…/similar`, `/images/{id}` and `/thumbnails/{id}`.
final class ProductRouteTests: TimedTestCase {
    func testProductAndUnknownProduct() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let found = try await client.execute(uri: "/api/products/test-0", method: .get)
            XCTAssertEqual(found.status, .ok)
            let product = try found.object()
            XCTAssertEqual(product["id"] as? String, "test-0")
            XCTAssertEqual((product["attributes"] as? [String: String])?["articleType"], "Ankle boot")
            XCTAssertEqual(product["image"] as? String, "/images/test-0")
            XCTAssertEqual(product["thumbnail"] as? String, "/thumbnails/test-0")
            XCTAssertEqual(product["url"] as? String, "/products/test-0")
            XCTAssertAPIError(try await client.execute(uri: "/api/products/nope", method: .get), 404, "unknown_product")
        }
    }

    func testSimilarExcludesTheProductAndHonoursFilters() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/products/test-1/similar?k=7", method: .get)
            XCTAssertEqual(response.status, .ok, response.text)
            let object = try response.object()
            XCTAssertEqual((object["product"] as? [String: Any])?["id"] as? String, "test-1")
            let results = try XCTUnwrap(object["results"] as? [[String: Any]])
            XCTAssertEqual(results.count, 7)
            XCTAssertFalse(results.contains { $0["id"] as? String == "test-1" }, "the product itself is excluded")
            XCTAssertNotNil(object["timings"] as? [String: Any])

            let filtered = try await client.execute(uri: "/api/products/test-1/similar?k=4&filter=articleType:Sneaker", method: .get)
            let kinds = try XCTUnwrap(try filtered.object()["results"] as? [[String: Any]]).map { ($0["attributes"] as? [String: String])?["articleType"] }
            XCTAssertEqual(kinds, Array(repeating: "Sneaker", count: 4))

            XCTAssertAPIError(try await client.execute(uri: "/api/products/nope/similar", method: .get), 404, "unknown_product")
            XCTAssertAPIError(try await client.execute(uri: "/api/products/test-1/similar?k=1000", method: .get), 400, "invalid_parameter")
            XCTAssertAPIError(try await client.execute(uri: "/api/products/test-1/similar?crop=0,0,0.5,0.5", method: .get), 400, "invalid_parameter")
        }
    }

    func testIdsWithSlashesArePercentEncoded() async throws {
        let (service, _) = try await WebFixtures.photoCatalog(self, photos: ["chelsea.png", "coffee.png"], embedder: PixelEmbedder())
        let data = try WebFixtures.data("chelsea.png")
        try await service.add(.init(id: "cats/chelsea & co", title: "Cat", imagePath: WebFixtures.photos.appendingPathComponent("chelsea.png").path),
                              image: .init(data: data, name: "chelsea.png"))
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/products/cats%2Fchelsea%20%26%20co", method: .get)
            XCTAssertEqual(response.status, .ok, response.text)
            let product = try response.object()
            XCTAssertEqual(product["id"] as? String, "cats/chelsea & co")
            XCTAssertEqual(product["thumbnail"] as? String, "/thumbnails/cats%2Fchelsea%20%26%20co")
            let thumbnail = try await client.execute(uri: "/thumbnails/cats%2Fchelsea%20%26%20co", method: .get)
            XCTAssertEqual(thumbnail.status, .ok)
        }
    }

    func testThumbnailsAreJPEGsWithCachingHeaders() async throws {
        let (service, _) = try await WebFixtures.photoCatalog(self, photos: ["chelsea.png"], embedder: PixelEmbedder())
        try await WebFixtures.app(service).test(.router) { client in
            let first = try await client.execute(uri: "/thumbnails/chelsea", method: .get)
            XCTAssertEqual(first.status, .ok)
            XCTAssertEqual(first.headers[.contentType], "image/jpeg")
            XCTAssertEqual(Array(first.body.readableBytesView.prefix(3)), [0xFF, 0xD8, 0xFF])
            XCTAssertEqual(first.headers[.cacheControl], "public, max-age=86400")
            let etag = try XCTUnwrap(first.headers[.eTag])
            let again = try await client.execute(uri: "/thumbnails/chelsea", method: .get, headers: [.ifNoneMatch: etag])
            XCTAssertEqual(again.status, .notModified)
            XCTAssertEqual(again.body.readableBytes, 0)

            let large = try await client.execute(uri: "/thumbnails/chelsea?size=640", method: .get)
            XCTAssertNotEqual(large.headers[.eTag], etag, "each size has its own tag")
            XCTAssertGreaterThan(large.body.readableBytes, first.body.readableBytes)
            XCTAssertAPIError(try await client.execute(uri: "/thumbnails/chelsea?size=5000", method: .get), 400, "invalid_parameter")
            XCTAssertAPIError(try await client.execute(uri: "/thumbnails/nope", method: .get), 404, "unknown_product")

            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            XCTAssertEqual(SearchRouteTests.value(of: "lookalike_thumbnail_cache_misses_total", in: metrics), 2)
        }
    }

    func testOriginalImages() async throws {
        let (service, _) = try await WebFixtures.photoCatalog(self, photos: ["rocket.jpg"], embedder: PixelEmbedder())
        try await service.add(.init(id: "ghost", title: "Gone", imagePath: "/nonexistent/ghost.jpg"),
                              image: .init(data: try WebFixtures.data("rocket.jpg"), name: "rocket.jpg"))
        try await WebFixtures.app(service).test(.router) { client in
            let image = try await client.execute(uri: "/images/rocket", method: .get)
            XCTAssertEqual(image.status, .ok)
            XCTAssertEqual(image.headers[.contentType], "image/jpeg")
            XCTAssertEqual(Data(image.body.readableBytesView), try WebFixtures.data("rocket.jpg"))
            let etag = try XCTUnwrap(image.headers[.eTag])
            let revalidated = try await client.execute(uri: "/images/rocket", method: .get, headers: [.ifNoneMatch: etag])
            XCTAssertEqual(revalidated.status, .notModified)
            XCTAssertAPIError(try await client.execute(uri: "/images/ghost", method: .get), 404, "image_missing")
            XCTAssertAPIError(try await client.execute(uri: "/thumbnails/ghost", method: .get), 404, "image_missing")
            XCTAssertAPIError(try await client.execute(uri: "/images/nope", method: .get), 404, "unknown_product")
        }
    }
}
