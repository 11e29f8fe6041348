import Foundation
import Hummingbird
import HummingbirdTesting
import Service
import Web
import TestSupport
import XCTest

/// `/api/facets`, `/healthz`, `/metrics`, `/openapi.json`, `/assets/…` and unknown routes.
final class OperationsRouteTests: TimedTestCase {
    func testFacets() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/facets?limit=3", method: .get)
            XCTAssertEqual(response.status, .ok)
            let object = try response.object()
            XCTAssertEqual(object["products"] as? Int, 200)
            let facets = try XCTUnwrap(object["facets"] as? [[String: Any]])
            let types = try XCTUnwrap(facets.first { $0["key"] as? String == "articleType" })
            XCTAssertEqual(types["distinct"] as? Int, 10)
            XCTAssertEqual(types["label"] as? String, "Type")
            let values = try XCTUnwrap(types["values"] as? [[String: Any]])
            XCTAssertEqual(values.count, 3)
            XCTAssertGreaterThanOrEqual(values[0]["count"] as? Int ?? 0, values[1]["count"] as? Int ?? 0)
            XCTAssertAPIError(try await client.execute(uri: "/api/facets?limit=0", method: .get), 400, "invalid_parameter")
        }
    }

    func testHealthAndMetrics() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let body = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await WebFixtures.app(service).test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(health.status, .ok)
            let object = try health.object()
            XCTAssertEqual(object["status"] as? String, "ok")
            XCTAssertEqual(object["products"] as? Int, 200)
            XCTAssertEqual(object["model"] as? String, "efficientnet-lite0")

            _ = try await client.execute(uri: "/api/search", method: .post, headers: body.headers(), body: body.body)
            _ = try await client.execute(uri: "/api/products/nope", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            XCTAssertEqual(metrics.status, .ok)
            XCTAssertTrue(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") ?? false)
            let text = metrics.text
            for expected in [
                #"lookalike_http_requests_total{method="POST",route="/api/search",status="200"} 1"#,
                #"lookalike_http_requests_total{method="GET",route="/api/products/{id}",status="404"} 1"#,
                #"lookalike_http_requests_total{method="GET",route="/healthz",status="200"} 1"#,
                #"lookalike_http_request_duration_seconds_count{route="/api/search"} 1"#,
                #"lookalike_rejected_requests_total{code="unknown_product"} 1"#,
                "lookalike_decode_seconds_count 1", "lookalike_embed_seconds_count 1", "lookalike_search_seconds_count 1",
                "lookalike_embed_batch_size_count 1", "lookalike_catalog_products 200", "# TYPE lookalike_search_seconds histogram",
            ] {
                XCTAssertTrue(text.contains(expected), "missing \(expected) in:\n\(text)")
            }
            let rss = try XCTUnwrap(SearchRouteTests.value(of: "process_resident_memory_bytes", in: text))
            XCTAssertGreaterThan(rss, 10_000_000)
            // Every sample line is `name{labels} value` or `name value`.
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                XCTAssertNotNil(Double(line.split(separator: " ").last ?? ""), "bad sample line: \(line)")
            }
        }
    }

    func testUnknownRoutesAre404JSONOrHTML() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            XCTAssertAPIError(try await client.execute(uri: "/api/nothing", method: .get), 404, "not_found")
            let page = try await client.execute(uri: "/nothing", method: .get, headers: [.accept: "text/html,application/xhtml+xml"])
            XCTAssertEqual(page.status, .notFound)
            XCTAssertEqual(page.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertTrue(page.text.contains("Back to search"))
        }
    }

    func testAssetsAreServedWithCachingHeaders() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get).text
            let scriptURL = try XCTUnwrap(page.firstMatch(of: #/src="(/assets/app\.js\?v=[0-9a-f]+)"/#)?.1)
            let script = try await client.execute(uri: String(scriptURL), method: .get)
            XCTAssertEqual(script.status, .ok)
            XCTAssertEqual(script.headers[.contentType], "text/javascript; charset=utf-8")
            XCTAssertEqual(script.headers[.cacheControl], "public, max-age=31536000, immutable")
            let etag = try XCTUnwrap(script.headers[.eTag])
            let revalidated = try await client.execute(uri: "/assets/app.js", method: .get, headers: [.ifNoneMatch: etag])
            XCTAssertEqual(revalidated.status, .notModified)
            let css = try await client.execute(uri: "/assets/app.css", method: .get)
            XCTAssertEqual(css.headers[.cacheControl], "public, max-age=300")
            let icon = try await client.execute(uri: "/assets/icon.svg", method: .get)
            XCTAssertEqual(icon.headers[.contentType], "image/svg+xml")
            XCTAssertAPIError(try await client.execute(uri: "/assets/nope.js", method: .get), 404, "not_found")
            XCTAssertAPIError(try await client.execute(uri: "/assets/..%2FPackage.swift", method: .get), 404, "not_found")
        }
    }

    /// The OpenAPI document lists exactly the routes the server has, with their path parameters.
    func testOpenAPIDocumentMatchesTheRoutes() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let server = WebServer(service: service, options: WebOptions())
        let routes = Set(try server.routes().map(\.description))
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
            let document = try response.object()
            XCTAssertTrue((document["openapi"] as? String)?.hasPrefix("3.") ?? false)
            let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, item) in paths {
                for (method, operation) in item where ["get", "post", "put", "delete", "patch"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                    // Every {parameter} of the path is declared on the path or the operation.
                    let names = path.matches(of: #/\{(\w+)\}/#).map { String($0.1) }
                    let declared = ((item["parameters"] as? [[String: Any]] ?? []) + ((operation as? [String: Any])?["parameters"] as? [[String: Any]] ?? []))
                        .compactMap { $0["name"] as? String }
                    for name in names { XCTAssertTrue(declared.contains(name), "\(method) \(path) does not declare {\(name)}") }
                    let responses = try XCTUnwrap((operation as? [String: Any])?["responses"] as? [String: Any], "\(method) \(path)")
                    XCTAssertFalse(responses.isEmpty)
                }
            }
            XCTAssertEqual(documented, routes, "documented but missing: \(documented.subtracting(routes)); undocumented: \(routes.subtracting(documented))")
            // Every $ref points at something that exists.
            let text = response.text
            let components = try XCTUnwrap(document["components"] as? [String: [String: Any]])
            for match in text.matches(of: ##/"#\/components\/(\w+)\/(\w+)"/##) {
                XCTAssertNotNil(components[String(match.1)]?[String(match.2)], "dangling $ref \(match.0)")
            }
        }
    }

    /// The error statuses the document promises for search are the ones the route gives.
    func testOpenAPIErrorStatusesForSearch() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get).object()
            let search = try XCTUnwrap(((document["paths"] as? [String: Any])?["/api/search"] as? [String: Any])?["post"] as? [String: Any])
            let statuses = Set(try XCTUnwrap(search["responses"] as? [String: Any]).keys)
            XCTAssertEqual(statuses, ["200", "400", "408", "413", "415", "422", "429", "503"])
        }
    }
}
