import Foundation
import Hummingbird
import HummingbirdTesting
import Service
import Web
import TestSupport
import XCTest

/// `POST /api/search`: multipart and raw bodies, k, filters, crop, and every error.
final class SearchRouteTests: TimedTestCase {
    func testMultipartSearchFindsTheProductItselfFirst() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let query = try await WebFixtures.productImage(service, id: "test-7")
        let body = MultipartBody.image(query, filename: "shirt.png")
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/search", method: .post, headers: body.headers(), body: body.body)
            XCTAssertEqual(response.status, .ok, response.text)
            XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
            let result = try response.json(SearchBody.self)
            XCTAssertEqual(result.k, 5)
            XCTAssertEqual(result.results.count, 5)
            XCTAssertEqual(result.results.first?.id, "test-7")
            XCTAssertGreaterThan(result.results[0].score, 0.99)
            XCTAssertEqual(result.results.map(\.score), result.results.map(\.score).sorted(by: >), "best first")
            XCTAssertEqual(result.results[0].image, "/images/test-7")
            XCTAssertEqual(result.results[0].thumbnail, "/thumbnails/test-7")
            XCTAssertNotNil(result.results[0].attributes["articleType"])
            XCTAssertGreaterThan(result.timings.total_ms, 0)
            XCTAssertGreaterThanOrEqual(result.timings.total_ms, result.timings.decode_ms + result.timings.embed_ms)
            // The exact field names are a contract.
            let object = try response.object()
            XCTAssertEqual(Set(object.keys), ["results", "timings", "k"])
            let first = try XCTUnwrap((object["results"] as? [[String: Any]])?.first)
            XCTAssertTrue(Set(first.keys).isSuperset(of: ["id", "title", "score", "attributes", "image", "thumbnail"]))
            XCTAssertEqual(Set((object["timings"] as? [String: Any])?.keys ?? [:].keys), ["decode_ms", "embed_ms", "search_ms", "total_ms"])
        }
    }

    func testRawBodyKAndFilters() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let query = try WebFixtures.data("chelsea.png")
        try await WebFixtures.app(service).test(.router) { client in
            let raw = try await client.execute(uri: "/api/search?k=12", method: .post, headers: [.contentType: "image/png"],
                                               body: ByteBuffer(bytes: query))
            XCTAssertEqual(raw.status, .ok, raw.text)
            XCTAssertEqual(try raw.json(SearchBody.self).results.count, 12)

            let filtered = try await client.execute(uri: "/api/search?k=8&filter=articleType:Trouser", method: .post,
                                                    headers: [.contentType: "image/png"], body: ByteBuffer(bytes: query))
            let trousers = try filtered.json(SearchBody.self).results
            XCTAssertEqual(trousers.count, 8, filtered.text)
            XCTAssertTrue(trousers.allSatisfy { $0.attributes["articleType"] == "Trouser" })

            // OR within a key, and the short key=value form for the catalog's own keys.
            let either = try await client.execute(uri: "/api/search?k=30&filter=articleType:Trouser&articleType=Bag", method: .post,
                                                  headers: [.contentType: "image/png"], body: ByteBuffer(bytes: query))
            let types = Set(try either.json(SearchBody.self).results.compactMap { $0.attributes["articleType"] })
            XCTAssertEqual(types, ["Trouser", "Bag"])

            // Values with spaces, as browsers encode them ('+' or %20).
            for encoded in ["Ankle+boot", "Ankle%20boot"] {
                let boots = try await client.execute(uri: "/api/search?k=3&filter=articleType:\(encoded)", method: .post,
                                                     headers: [.contentType: "image/png"], body: ByteBuffer(bytes: query))
                XCTAssertEqual(try boots.json(SearchBody.self).results.compactMap { $0.attributes["articleType"] }, ["Ankle boot", "Ankle boot", "Ankle boot"], boots.text)
            }

            // Parameters may also come as multipart fields.
            var form = MultipartBody.image(query)
            form.field("k", "3")
            form.field("filter", "articleType:Bag")
            let fields = try await client.execute(uri: "/api/search", method: .post, headers: form.headers(), body: form.body)
            let bags = try fields.json(SearchBody.self)
            XCTAssertEqual(bags.k, 3)
            XCTAssertTrue(bags.results.allSatisfy { $0.attributes["articleType"] == "Bag" })
        }
    }

    func testCropChangesTheQuery() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let query = try WebFixtures.data("astronaut.png")
        let body = MultipartBody.image(query)
        try await WebFixtures.app(service).test(.router) { client in
            let whole = try await client.execute(uri: "/api/search?k=20", method: .post, headers: body.headers(), body: body.body)
            let part = try await client.execute(uri: "/api/search?k=20&crop=0.05,0.55,0.3,0.4", method: .post,
                                                headers: body.headers(), body: body.body)
            XCTAssertEqual(part.status, .ok, part.text)
            let a = try whole.json(SearchBody.self).results, b = try part.json(SearchBody.self).results
            XCTAssertNotEqual(a.map(\.id), b.map(\.id), "searching a region must differ from the whole photo")
            XCTAssertNotEqual(a.first?.score, b.first?.score)
        }
    }

    func testBadParametersAre400() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let body = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await WebFixtures.app(service).test(.router) { client in
            for (query, code) in [("k=0", "invalid_parameter"), ("k=101", "invalid_parameter"), ("k=five", "invalid_parameter"),
                                  ("filter=articleType", "invalid_parameter"), ("filter=colour:Red", "invalid_parameter"),
                                  ("filter=:Red", "invalid_parameter"), ("crop=0.1,0.2,0.3", "invalid_crop"),
                                  ("crop=0.5,0.5,0.7,0.2", "invalid_crop"), ("crop=0,0,0,0.5", "invalid_crop"),
                                  ("crop=a,b,c,d", "invalid_crop")] {
                let response = try await client.execute(uri: "/api/search?\(query)", method: .post, headers: body.headers(), body: body.body)
                XCTAssertAPIError(response, 400, code)
            }
            let unknownKey = try await client.execute(uri: "/api/search?filter=colour:Red", method: .post, headers: body.headers(), body: body.body)
            XCTAssertTrue(unknownKey.errorMessage?.contains("articleType") ?? false, "the message lists the real keys: \(unknownKey.text)")
        }
    }

    func testImageErrors() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service, configure: { $0.maxUploadBytes = 5_000_000 }).test(.router) { client in
            func post(_ data: Data, name: String) async throws -> TestResponse {
                let body = MultipartBody.image(data, filename: name)
                return try await client.execute(uri: "/api/search", method: .post, headers: body.headers(), body: body.body)
            }
            let notImage = try await post(try WebFixtures.data("not_an_image.jpg"), name: "page.jpg")
            XCTAssertAPIError(notImage, 415, "not_an_image")
            XCTAssertTrue(notImage.errorMessage?.contains("page.jpg is not an image") ?? false, notImage.text)
            XCTAssertAPIError(try await post(Data(), name: "empty.jpg"), 415, "empty_image")
            XCTAssertAPIError(try await post(try WebFixtures.data("truncated.jpg"), name: "cut.jpg"), 422, "corrupt_image")
            let bomb = try await post(try WebFixtures.data("bomb.png"), name: "bomb.png")
            XCTAssertAPIError(bomb, 413, "too_many_pixels")
            XCTAssertTrue(bomb.errorMessage?.contains("30000×30000") ?? false, bomb.text)
            let big = try await post(Data(repeating: 0xFF, count: 6_000_000), name: "huge.jpg")
            XCTAssertAPIError(big, 413, "too_large")
            // A client name is only a label: path parts never reach the message.
            let sneaky = try await post(try WebFixtures.data("not_an_image.jpg"), name: "../../etc/passwd")
            XCTAssertTrue(sneaky.errorMessage?.hasPrefix("passwd is not an image") ?? false, sneaky.text)
        }
    }

    func testRequestShapeErrors() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let json = try await client.execute(uri: "/api/search", method: .post, headers: [.contentType: "application/json"],
                                                body: ByteBuffer(string: "{}"))
            XCTAssertAPIError(json, 415, "unsupported_media_type")
            let untyped = try await client.execute(uri: "/api/search", method: .post, body: ByteBuffer(string: "hello"))
            XCTAssertAPIError(untyped, 415, "unsupported_media_type")
            var form = MultipartBody()
            form.field("k", "5")
            let noImage = try await client.execute(uri: "/api/search", method: .post, headers: form.headers(), body: form.body)
            XCTAssertAPIError(noImage, 400, "missing_image")
            let noBoundary = try await client.execute(uri: "/api/search", method: .post, headers: [.contentType: "multipart/form-data"],
                                                      body: ByteBuffer(string: "x"))
            XCTAssertAPIError(noBoundary, 400, "malformed_multipart")
            let cut = MultipartBody.image(try WebFixtures.data("chelsea.png"))
            var truncated = cut.body
            truncated.moveWriterIndex(to: truncated.writerIndex - 40)
            let cutOff = try await client.execute(uri: "/api/search", method: .post, headers: cut.headers(), body: truncated)
            XCTAssertAPIError(cutOff, 400, "malformed_multipart")
            let get = try await client.execute(uri: "/api/search", method: .get)
            XCTAssertAPIError(get, 405, "method_not_allowed")
        }
    }

    func testEmptyCatalogIs422() async throws {
        let (service, _) = try await WebFixtures.emptyCatalog(self)
        let body = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/api/search", method: .post, headers: body.headers(), body: body.body)
            XCTAssertAPIError(response, 422, "empty_catalog")
            XCTAssertTrue(response.errorMessage?.contains("lookalike index") ?? false, response.text)
        }
    }

    func testConcurrentQueriesShareModelCalls() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let ids = (0 ..< 24).map { "test-\($0)" }
        var images: [String: Data] = [:]
        for id in ids { images[id] = try await WebFixtures.productImage(service, id: id) }
        let queries = images
        try await WebFixtures.app(service).test(.router) { client in
            try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for (id, data) in queries {
                    group.addTask {
                        let body = MultipartBody.image(data)
                        // One view per query (no cleanup), so the counts below are queries.
                        let response = try await client.execute(uri: "/api/search?k=1&cleanup=none", method: .post, headers: body.headers(), body: body.body)
                        return (id, try response.json(SearchBody.self).results.first?.id)
                    }
                }
                for try await (id, top) in group { XCTAssertEqual(top, id, "each query gets its own answer") }
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            let calls = try XCTUnwrap(Self.value(of: "lookalike_model_calls_total", in: metrics))
            XCTAssertEqual(Self.value(of: "lookalike_embedded_queries_total", in: metrics), 24)
            XCTAssertEqual(Self.value(of: "lookalike_embed_batch_size_count", in: metrics), calls, "one observation per model call")
            XCTAssertLessThan(calls, 24, "24 concurrent queries must share model calls:\n\(metrics)")
        }
    }

    func testKeptUploadsAreNamedByContentHash() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let folder = try WebFixtures.temporaryFolder(self)
        let query = try WebFixtures.data("chelsea.png")
        let body = MultipartBody.image(query, filename: "../my holiday.png")
        try await WebFixtures.app(service, configure: { $0.keepUploadsDirectory = folder.appendingPathComponent("uploads") }).test(.router) { client in
            for _ in 0 ..< 2 {
                let response = try await client.execute(uri: "/api/search", method: .post, headers: body.headers(), body: body.body)
                XCTAssertEqual(response.status, .ok)
            }
            let bad = MultipartBody.image(try WebFixtures.data("not_an_image.jpg"))
            _ = try await client.execute(uri: "/api/search", method: .post, headers: bad.headers(), body: bad.body)
        }
        let expected = try Self.sha256Name(of: query) + ".png"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("uploads").path)
        XCTAssertEqual(files, [expected], "one file per distinct valid upload, named by hash, never by the client's name")
    }

    func testUploadsAreNotKeptByDefault() async throws {
        let service = try await WebFixtures.fashionCatalog()
        let app = try WebFixtures.app(service)
        let body = MultipartBody.image(try WebFixtures.data("chelsea.png"))
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/api/search", method: .post, headers: body.headers(), body: body.body)
        }
        let options = WebOptions()
        XCTAssertNil(options.keepUploadsDirectory)
    }

    static func value(of metric: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(metric + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    static func sha256Name(of data: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(text.prefix(64))
    }
}
