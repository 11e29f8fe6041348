import Catalog
import Embedding
import Foundation
import Imaging
import PostgresCatalog
import Search
import Service
import TestSupport
import XCTest

/// SearchService on a PostgreSQL catalog: the search runs in the database (pgvector), with the same
/// results as the in-memory index. Needs LOOKALIKE_TEST_POSTGRES_URL (set by `make test`).
final class PostgresSearchServiceTests: TimedTestCase {
    func makeService() async throws -> (SearchService, PostgresCatalogStore) {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["LOOKALIKE_TEST_POSTGRES_URL"], !base.isEmpty else {
            if environment["LOOKALIKE_REQUIRE_POSTGRES"] == "1" || environment["CI"] == "true" {
                XCTFail("LOOKALIKE_TEST_POSTGRES_URL is not set but a PostgreSQL server is required (run `make test`)")
            }
            throw XCTSkip("LOOKALIKE_TEST_POSTGRES_URL not set: run `make test` for the PostgreSQL tests")
        }
        let schema = "svc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let store = try await PostgresCatalogStore(url: base + (base.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable")
        addTeardownBlock { await store.close() }
        return (try await ServiceFixtures.photoService(self, store: store), store)
    }

    func photo(_ name: String) throws -> EncodedImage {
        for folder in [ServiceFixtures.images, ServiceFixtures.photos] where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            return try EncodedImage(contentsOf: folder.appendingPathComponent(name))
        }
        throw XCTSkip("fixture \(name) missing")
    }

    func testSearchFiltersSimilarAddAndRemoveInTheDatabase() async throws {
        let (service, store) = try await makeService()
        XCTAssertEqual(service.count, 4)
        let response = try await service.search(image: photo("chelsea_rot6.jpg"), request: SearchRequest(k: 4))
        XCTAssertEqual(response.results.first?.product.id, "cat", "\(response.results.map(\.product.id))")
        XCTAssertEqual(response.results.count, 4)
        XCTAssertEqual(response.results.map(\.score), response.results.map(\.score).sorted(by: >))

        let white = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4, filters: ["colour": ["white"]]))
        XCTAssertEqual(Set(white.results.map(\.product.id)), ["astronaut", "rocket"])
        let both = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4, filters: ["colour": ["brown"], "category": ["food"]]))
        XCTAssertEqual(both.results.map(\.product.id), ["coffee"])

        let similar = try await service.similar(to: "cat", request: SearchRequest(k: 3))
        XCTAssertFalse(similar.map(\.product.id).contains("cat"))
        XCTAssertEqual(similar.count, 3)
        do {
            _ = try await service.similar(to: "nope", request: SearchRequest(k: 3))
            XCTFail("unknown product answered")
        } catch let error as QueryError {
            XCTAssertEqual(error, .unknownProduct("nope"))
        }

        // Ranking steps that run in memory are refused on a catalog searched in PostgreSQL, never ignored.
        for (name, change) in [("qe", { (r: inout SearchRequest) in r.expansion = QueryExpansion(depth: 5) }),
                                ("consensus", { (r: inout SearchRequest) in r.consensus = 10 }),
                                ("space=tuned", { (r: inout SearchRequest) in r.space = .tuned })] {
            var request = SearchRequest(k: 3)
            change(&request)
            do {
                _ = try await service.similar(to: "cat", request: request)
                XCTFail("\(name) was accepted on PostgreSQL")
            } catch let error as QueryError {
                XCTAssertTrue(error.description.hasPrefix(name) && error.description.contains("PostgreSQL"), error.description)
            }
        }

        try await service.add(Product(id: "cat-2", title: "Chelsea again", attributes: ["colour": "brown"]), image: photo("chelsea.webp"))
        let again = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 2))
        XCTAssertEqual(Set(again.results.map(\.product.id)), ["cat", "cat-2"])
        let removed = try await service.remove(ids: ["cat", "cat-2"])
        XCTAssertEqual(removed, 2)
        let after = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4))
        XCTAssertFalse(after.results.map(\.product.id).contains("cat"))
        let left = try await store.vectorCount(modelKey: service.embedder.modelKey)
        XCTAssertEqual(left, 3)
    }
}
