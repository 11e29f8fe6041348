import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Service
import Web
import TestSupport
import XCTest

/// Products with several images through the API and the pages: `POST /api/search` returns each product
/// once with the image that matched (`matched_image`, and `image`/`thumbnail` of that image), `group=0|1`
/// turns variant grouping off and on, and `/images/{id}?image=N` and `/thumbnails/{id}?image=N` serve each image.
final class MultiImageRouteTests: TimedTestCase {
    /// A catalog imported from a Merchant Center TSV feed: BAG-1's second image is the cat photo; TEE-RED and
    /// TEE-BLUE are variants of one item group with the same photo.
    func makeCatalog() async throws -> SearchService {
        let folder = try WebFixtures.temporaryFolder(self)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("img"), withIntermediateDirectories: true)
        for (source, target) in [("coffee.png", "bag-front.png"), ("chelsea.png", "bag-side.png"), ("astronaut.png", "suit.png"),
                                 ("rocket.jpg", "rocket.jpg"), ("china.jpg", "tee-red.jpg"), ("china.jpg", "tee-blue.jpg")] {
            try FileManager.default.copyItem(at: WebFixtures.photos.appendingPathComponent(source),
                                             to: folder.appendingPathComponent("img/\(target)"))
        }
        let feed = folder.appendingPathComponent("feed.tsv")
        try Data("""
            id\ttitle\timage_link\tadditional_image_link\titem_group_id
            BAG-1\tCanvas bag\timg/bag-front.png\timg/bag-side.png\t
            SUIT-2\tSpace suit\timg/suit.png\t\t
            ROCKET-3\tRocket print\timg/rocket.jpg\t\t
            TEE-RED\tTee, red\timg/tee-red.jpg\t\tTEE
            TEE-BLUE\tTee, blue\timg/tee-blue.jpg\t\tTEE

            """.utf8).write(to: feed)
        let store = try SQLiteCatalogStore(path: folder.appendingPathComponent("shop.db").path)
        let embedder = try WebFixtures.embedder()
        let summary = try await ImportPipeline(store: store, embedder: embedder).run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(summary.imagesEmbedded, 6)
        return try await SearchService(store: store, embedder: embedder)
    }

    func testSearchReturnsEachProductOnceWithTheImageThatMatched() async throws {
        let service = try await makeCatalog()
        let cat = MultipartBody.image(try WebFixtures.data("chelsea.png"), filename: "cat.png")
        let tee = MultipartBody.image(try WebFixtures.data("china.jpg"), filename: "tee.jpg")
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/search?k=5", method: .post, headers: cat.headers(), body: cat.body)
            XCTAssertEqual(response.status, .ok, response.text)
            let results = try XCTUnwrap(try response.object()["results"] as? [[String: Any]])
            let ids = results.compactMap { $0["id"] as? String }
            XCTAssertEqual(ids.count, Set(ids).count, "a product came back twice: \(ids)")
            XCTAssertEqual(ids.first, "BAG-1")
            XCTAssertEqual(results.first?["matched_image"] as? Int, 1)
            XCTAssertEqual(results.first?["thumbnail"] as? String, "/thumbnails/BAG-1?image=1")
            XCTAssertEqual(results.first?["image"] as? String, "/images/BAG-1?image=1")
            XCTAssertTrue(results.dropFirst().allSatisfy { $0["matched_image"] as? Int == 0 }, "\(results)")

            // Variants: grouped by default on a catalog with item groups; group=0 shows both, group=1 one.
            for (query, tees) in [("k=5", 1), ("k=5&group=0", 2), ("k=5&group=1", 1)] {
                let grouped = try await client.execute(uri: "/api/search?\(query)", method: .post, headers: tee.headers(), body: tee.body)
                XCTAssertEqual(grouped.status, .ok, grouped.text)
                let found = try XCTUnwrap(try grouped.object()["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
                XCTAssertEqual(found.count, Set(found).count, "\(found)")
                XCTAssertEqual(found.filter { $0.hasPrefix("TEE-") }.count, tees, "\(query): \(found)")
            }
            let bad = try await client.execute(uri: "/api/search?group=maybe", method: .post, headers: tee.headers(), body: tee.body)
            XCTAssertAPIError(bad, 400, "invalid_parameter")

            // More like this: every result once, the product itself left out.
            let similar = try await client.execute(uri: "/api/products/BAG-1/similar?k=5", method: .get)
            XCTAssertEqual(similar.status, .ok, similar.text)
            let neighbours = try XCTUnwrap(try similar.object()["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            XCTAssertEqual(neighbours.count, Set(neighbours).count)
            XCTAssertFalse(neighbours.contains("BAG-1"))
            let product = try await client.execute(uri: "/api/products/BAG-1", method: .get)
            let images = try XCTUnwrap(try product.object()["images"] as? [[String: Any]])
            XCTAssertEqual(images.compactMap { $0["thumbnail"] as? String }, ["/thumbnails/BAG-1", "/thumbnails/BAG-1?image=1"])
        }
    }

    func testEveryImageOfAProductIsServed() async throws {
        let service = try await makeCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let side = try await client.execute(uri: "/images/BAG-1?image=1", method: .get)
            XCTAssertEqual(side.status, .ok)
            XCTAssertEqual(Data(side.body.readableBytesView), try WebFixtures.data("chelsea.png"))
            let front = try await client.execute(uri: "/images/BAG-1", method: .get)
            XCTAssertEqual(Data(front.body.readableBytesView), try WebFixtures.data("coffee.png"))
            let thumbnail = try await client.execute(uri: "/thumbnails/BAG-1?image=1", method: .get)
            XCTAssertEqual(thumbnail.status, .ok)
            XCTAssertEqual(thumbnail.headers[.contentType], "image/jpeg")
            let primary = try await client.execute(uri: "/thumbnails/BAG-1", method: .get)
            XCTAssertNotEqual(thumbnail.headers[.eTag], primary.headers[.eTag], "each image has its own tag")
            let none = try await client.execute(uri: "/thumbnails/BAG-1?image=7", method: .get)
            XCTAssertAPIError(none, 404, "image_missing")
            let bad = try await client.execute(uri: "/images/BAG-1?image=two", method: .get)
            XCTAssertAPIError(bad, 400, "invalid_parameter")
        }
    }
}
