import EmbeddingTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Web
import TestSupport
import XCTest

/// `POST /api/products` and `DELETE /api/products/{id}`: live catalog changes behind the admin key.
final class AdminRouteTests: TimedTestCase {
    static let key = "s3cret-admin-key"

    func testAddSearchReplaceAndDeleteLive() async throws {
        let (service, folder) = try await WebFixtures.photoCatalog(self, photos: ["coffee.png", "rocket.jpg"], embedder: PixelEmbedder())
        let app = try WebFixtures.app(service) {
            $0.adminKey = Self.key
            $0.productImagesDirectory = folder.appendingPathComponent("product-images")
        }
        let cat = try WebFixtures.data("chelsea.png")
        try await app.test(.router) { client in
            var form = MultipartBody.image(cat, filename: "../../cat.png")
            form.field("id", "sku-cat")
            form.field("title", "Tabby <b>cat</b>")
            form.field("attributes", #"{"gender": "Unisex", "baseColour": "Brown"}"#)
            form.field("season", "Winter")
            let created = try await client.execute(uri: "/api/products", method: .post,
                                                   headers: form.headers([.authorization: "Bearer \(Self.key)"]), body: form.body)
            XCTAssertEqual(created.status, .created, created.text)
            XCTAssertEqual(created.headers[.location], "/products/sku-cat")
            let product = try created.object()
            XCTAssertEqual(product["title"] as? String, "Tabby <b>cat</b>")
            XCTAssertEqual(product["attributes"] as? [String: String], ["gender": "Unisex", "baseColour": "Brown", "season": "Winter"])

            // Searchable at once, with its new facet values.
            let query = MultipartBody.image(cat)
            let search = try await client.execute(uri: "/api/search?k=1", method: .post, headers: query.headers(), body: query.body)
            XCTAssertEqual(try search.json(SearchBody.self).results.first?.id, "sku-cat")
            let facets = try await client.execute(uri: "/api/facets", method: .get).text
            XCTAssertTrue(facets.contains("Winter"), facets)
            let thumbnail = try await client.execute(uri: "/thumbnails/sku-cat", method: .get)
            XCTAssertEqual(thumbnail.status, .ok)

            // The image is stored by content hash, never under the client's name.
            let imageFolder = folder.appendingPathComponent("product-images").path
            func storedImages() throws -> [String] {
                try FileManager.default.contentsOfDirectory(atPath: imageFolder).filter { !$0.hasPrefix(".") }
            }
            let stored = try storedImages()
            XCTAssertEqual(stored.count, 1)
            XCTAssertTrue(stored[0].hasSuffix(".png") && stored[0].count == 64 + 4, "\(stored)")

            // Same id again: replaced (200), with the other header form of the key.
            var replace = MultipartBody.image(try WebFixtures.data("astronaut.png"))
            replace.field("id", "sku-cat")
            replace.field("title", "Astronaut")
            let replaced = try await client.execute(uri: "/api/products", method: .post,
                                                    headers: replace.headers([.init("X-Admin-Key")!: Self.key]), body: replace.body)
            XCTAssertEqual(replaced.status, .ok, replaced.text)
            XCTAssertEqual(try replaced.object()["title"] as? String, "Astronaut")
            XCTAssertEqual(service.count, 3)
            // The replaced image file goes with the image it was: only the astronaut is left.
            let afterReplace = try storedImages()
            XCTAssertEqual(afterReplace.count, 1)
            XCTAssertNotEqual(afterReplace, stored)

            // Neighbours are cached per product until the catalog changes.
            let before = try await client.execute(uri: "/api/products/coffee/similar", method: .get)
            XCTAssertTrue(before.text.contains("sku-cat"), before.text)

            let deleted = try await client.execute(uri: "/api/products/sku-cat", method: .delete, headers: [.authorization: "Bearer \(Self.key)"])
            XCTAssertEqual(deleted.status, .noContent)
            XCTAssertEqual(service.count, 2)
            XCTAssertEqual(try storedImages(), [], "a deleted product's image file is deleted with it")
            XCTAssertAPIError(try await client.execute(uri: "/api/products/sku-cat", method: .get), 404, "unknown_product")
            let afterDelete = try await client.execute(uri: "/api/products/coffee/similar", method: .get)
            XCTAssertFalse(afterDelete.text.contains("sku-cat"), "a removed product leaves the cached neighbours: \(afterDelete.text)")
            let after = try await client.execute(uri: "/api/search?k=5", method: .post, headers: query.headers(), body: query.body)
            XCTAssertFalse(try after.json(SearchBody.self).results.contains { $0.id == "sku-cat" })
            XCTAssertAPIError(try await client.execute(uri: "/api/products/sku-cat", method: .delete,
                                                       headers: [.authorization: "Bearer \(Self.key)"]), 404, "unknown_product")
        }
    }

    func testTheKeyIsRequired() async throws {
        let (service, folder) = try await WebFixtures.photoCatalog(self, photos: ["coffee.png"], embedder: PixelEmbedder())
        let app = try WebFixtures.app(service) {
            $0.adminKey = Self.key
            $0.productImagesDirectory = folder.appendingPathComponent("product-images")
        }
        let form = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await app.test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "Basic \(Self.key)"],
                                        [.authorization: "Bearer \(Self.key)x"], [.init("X-Admin-Key")!: ""]] {
                let add = try await client.execute(uri: "/api/products", method: .post, headers: form.headers(headers), body: form.body)
                XCTAssertAPIError(add, 401, "unauthorized")
                XCTAssertNotNil(add.headers[.wwwAuthenticate])
                let delete = try await client.execute(uri: "/api/products/coffee", method: .delete, headers: headers)
                XCTAssertAPIError(delete, 401, "unauthorized")
            }
            XCTAssertEqual(service.count, 1, "nothing changed")
        }
    }

    func testAdminIsRefusedWhenNoKeyIsConfigured() async throws {
        let (service, _) = try await WebFixtures.photoCatalog(self, photos: ["coffee.png"], embedder: PixelEmbedder())
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/products/coffee", method: .delete, headers: [.authorization: "Bearer anything"])
            XCTAssertAPIError(response, 401, "unauthorized")
            XCTAssertTrue(response.errorMessage?.contains("--admin-key") ?? false, response.text)
        }
    }

    func testBadAdditions() async throws {
        let (service, folder) = try await WebFixtures.photoCatalog(self, photos: ["coffee.png"], embedder: PixelEmbedder())
        let app = try WebFixtures.app(service) {
            $0.adminKey = Self.key
            $0.productImagesDirectory = folder.appendingPathComponent("product-images")
        }
        let auth: HTTPFields = [.authorization: "Bearer \(Self.key)"]
        try await app.test(.router) { client in
            func add(_ form: MultipartBody) async throws -> TestResponse {
                try await client.execute(uri: "/api/products", method: .post, headers: form.headers(auth), body: form.body)
            }
            var badAttributes = MultipartBody.image(try WebFixtures.data("chelsea.png"))
            badAttributes.field("attributes", "[1, 2]")
            XCTAssertAPIError(try await add(badAttributes), 400, "invalid_parameter")
            var badKey = MultipartBody.image(try WebFixtures.data("chelsea.png"))
            badKey.field("colour of <script>", "red")
            XCTAssertAPIError(try await add(badKey), 400, "invalid_parameter")
            var noImage = MultipartBody()
            noImage.field("id", "x")
            XCTAssertAPIError(try await add(noImage), 400, "missing_image")
            XCTAssertAPIError(try await add(.image(try WebFixtures.data("not_an_image.jpg"))), 415, "not_an_image")
            XCTAssertAPIError(try await add(.image(try WebFixtures.data("truncated.jpg"))), 422, "corrupt_image")
            let raw = try await client.execute(uri: "/api/products", method: .post,
                                               headers: [.authorization: "Bearer \(Self.key)", .contentType: "image/png"],
                                               body: ByteBuffer(bytes: try WebFixtures.data("chelsea.png")))
            XCTAssertAPIError(raw, 415, "unsupported_media_type")
            XCTAssertEqual(service.count, 1)
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("product-images").path)) ?? []
            XCTAssertEqual(stored.filter { !$0.hasPrefix(".") }, [], "failed additions leave no files behind")
        }
    }
}
