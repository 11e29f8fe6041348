import Foundation
import Hummingbird
import HummingbirdTesting
import Web
import TestSupport
import XCTest

/// HEAD answers wherever GET does; a method a path does not have is a 405 naming the ones it has.
final class MethodTests: TimedTestCase {
    func testHeadAnswersEveryGetRoute() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let server = WebServer(service: service, options: WebOptions())
        let product = try await service.store.product(id: "test-1")
        let id = try XCTUnwrap(product).id
        try await WebFixtures.app(service).test(.router) { client in
            for route in try server.routes() where route.method == .get {
                let uri = route.path.description.replacingOccurrences(of: "{id}", with: id)
                    .replacingOccurrences(of: "{name}", with: "app.css")
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                XCTAssertEqual(head.status, get.status, "HEAD \(uri)")
                XCTAssertEqual(get.status, .ok, "GET \(uri)")
                XCTAssertEqual(head.headers[.contentType], get.headers[.contentType], "HEAD \(uri)")
                XCTAssertEqual(head.body.readableBytes, 0, "HEAD \(uri) has no body")
            }
            let page = try await client.execute(uri: "/", method: .head)
            XCTAssertEqual(page.status, .ok)
            XCTAssertEqual(page.headers[.contentType], "text/html; charset=utf-8")
            let missing = try await client.execute(uri: "/api/nothing", method: .head)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertEqual(missing.body.readableBytes, 0)
        }
    }

    func testUndeclaredMethodIs405WithAllow() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/api/search", .get, "POST"),
                ("/healthz", .post, "GET, HEAD"),
                ("/api/products/test-1", .put, "DELETE, GET, HEAD"),
                ("/api/products", .get, "POST"),
                ("/", .delete, "GET, HEAD"),
                ("/assets/app.js", .post, "GET, HEAD"),
            ]
            for (uri, method, allow) in cases {
                let response = try await client.execute(uri: uri, method: method)
                XCTAssertAPIError(response, 405, "method_not_allowed")
                XCTAssertEqual(response.headers[.allow], allow, "\(method) \(uri)")
                XCTAssertTrue(response.errorMessage?.contains(allow) ?? false, response.text)
            }
            // A path no route has stays a 404.
            XCTAssertAPIError(try await client.execute(uri: "/api/products/test-1/nothing", method: .post), 404, "not_found")
        }
    }
}
