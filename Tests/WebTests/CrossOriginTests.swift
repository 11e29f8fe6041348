import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
@testable import Web
import XCTest

/// CORS: listed storefront origins may search and read from the browser; nobody else, never the admin
/// routes, never with credentials.
final class CrossOriginTests: TimedTestCase {
    static let shop = "https://shop.example"

    func testListedOriginsMaySearchAndReadOthersAndAdminRoutesMayNot() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let photo = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await WebFixtures.app(service) { $0.corsOrigins = [Self.shop]; $0.adminKey = "k" }.test(.router) { client in
            let preflight = try await client.execute(uri: "/api/search", method: .options, headers: [
                .origin: Self.shop, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type",
            ])
            XCTAssertEqual(preflight.status, .noContent, preflight.text)
            XCTAssertEqual(preflight.headers[.accessControlAllowOrigin], Self.shop)
            XCTAssertEqual(preflight.headers[.accessControlAllowMethods], "POST")
            XCTAssertNil(preflight.headers[.accessControlAllowCredentials], "credentials are never allowed")

            let search = try await client.execute(uri: "/api/search?k=3", method: .post,
                                                  headers: photo.headers([.origin: Self.shop]), body: photo.body)
            XCTAssertEqual(search.status, .ok)
            XCTAssertEqual(search.headers[.accessControlAllowOrigin], Self.shop)
            XCTAssertTrue(search.headers[.accessControlExposeHeaders]?.contains("X-Request-Id") ?? false)
            let bad = try await client.execute(uri: "/api/search?k=0", method: .post,
                                               headers: photo.headers([.origin: Self.shop]), body: photo.body)
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertEqual(bad.headers[.accessControlAllowOrigin], Self.shop, "the storefront can read the error")
            let facets = try await client.execute(uri: "/api/facets", method: .get, headers: [.origin: Self.shop])
            XCTAssertEqual(facets.headers[.accessControlAllowOrigin], Self.shop)

            // Another origin: refused at the preflight, and no grant on a simple request.
            let stranger = try await client.execute(uri: "/api/search", method: .options, headers: [
                .origin: "https://evil.example", .accessControlRequestMethod: "POST",
            ])
            XCTAssertEqual(stranger.status, .forbidden)
            XCTAssertNil(stranger.headers[.accessControlAllowOrigin])
            XCTAssertTrue(stranger.text.contains("cors_refused"), stranger.text)
            let strangerRead = try await client.execute(uri: "/api/facets", method: .get, headers: [.origin: "https://evil.example"])
            XCTAssertNil(strangerRead.headers[.accessControlAllowOrigin])

            // The admin routes are never open to other origins, even listed ones.
            let adminPreflight = try await client.execute(uri: "/api/products/test-1", method: .options, headers: [
                .origin: Self.shop, .accessControlRequestMethod: "DELETE",
            ])
            XCTAssertEqual(adminPreflight.status, .forbidden)
            XCTAssertNil(adminPreflight.headers[.accessControlAllowOrigin])
            let adminCall = try await client.execute(uri: "/api/products/absent", method: .delete,
                                                     headers: [.origin: Self.shop, .authorization: "Bearer k"])
            XCTAssertNil(adminCall.headers[.accessControlAllowOrigin], "a browser on the storefront cannot read an admin answer")
        }
    }

    func testNoOriginIsAllowedByDefault() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let read = try await client.execute(uri: "/api/facets", method: .get, headers: [.origin: Self.shop])
            XCTAssertEqual(read.status, .ok)
            XCTAssertNil(read.headers[.accessControlAllowOrigin])
            let preflight = try await client.execute(uri: "/api/search", method: .options, headers: [
                .origin: Self.shop, .accessControlRequestMethod: "POST",
            ])
            XCTAssertEqual(preflight.status, .forbidden)
        }
    }
}
