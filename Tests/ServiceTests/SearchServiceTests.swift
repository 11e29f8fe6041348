import Catalog
import Embedding
import EmbeddingTesting
import Foundation
import Imaging
import Service
import TestSupport
import XCTest

/// Photo queries find the right products, filters narrow them, and the catalog changes live.
final class SearchServiceTests: TimedTestCase {
    /// A small catalog from a CSV manifest: four photos with categories, embedded by the deterministic fake
    /// (`PixelEmbedder`: these tests are about the query pipeline), or by the real model (`real`).
    func makeService(real: Bool = false) async throws -> SearchService {
        let folder = try ServiceFixtures.temporaryFolder(self)
        return try await ServiceFixtures.photoService(self, store: SQLiteCatalogStore(path: folder.appendingPathComponent("c.db").path),
                                                      embedder: real ? nil : PixelEmbedder())
    }

    func photo(_ name: String) throws -> EncodedImage {
        for folder in [ServiceFixtures.images, ServiceFixtures.photos] where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            return try EncodedImage(contentsOf: folder.appendingPathComponent(name))
        }
        throw XCTSkip("fixture \(name) missing")
    }

    func testAnotherPhotoOfTheSameThingComesFirst() async throws {
        let service = try await makeService(real: true)
        for (query, expected) in [("chelsea.webp", "cat"), ("chelsea_rot6.jpg", "cat"), ("chelsea_grey.png", "cat")] {
            let response = try await service.search(image: photo(query), request: SearchRequest(k: 4))
            XCTAssertEqual(response.results.first?.product.id, expected, "\(query): \(response.results.map(\.product.id))")
            XCTAssertEqual(response.results.count, 4)
            XCTAssertEqual(response.results.map(\.score), response.results.map(\.score).sorted(by: >))
            XCTAssertGreaterThan(response.embedMilliseconds, 0)
        }
    }

    func testFiltersRestrictTheResults() async throws {
        let service = try await makeService()
        let white = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4, filters: ["colour": ["white"]]))
        XCTAssertEqual(Set(white.results.map(\.product.id)), ["astronaut", "rocket"])
        let either = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4, filters: ["category": ["food", "space"]]))
        XCTAssertEqual(Set(either.results.map(\.product.id)), ["coffee", "rocket"])
        let both = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4, filters: ["colour": ["brown"], "category": ["food"]]))
        XCTAssertEqual(both.results.map(\.product.id), ["coffee"])
        let none = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 4, filters: ["colour": ["green"]]))
        XCTAssertTrue(none.results.isEmpty)
    }

    func testSimilarExcludesTheProductItself() async throws {
        let service = try await makeService()
        let results = try await service.similar(to: "cat", request: SearchRequest(k: 10))
        XCTAssertEqual(results.count, 3)
        XCTAssertFalse(results.contains { $0.product.id == "cat" })
        do {
            _ = try await service.similar(to: "nope", request: SearchRequest())
            XCTFail("unknown product accepted")
        } catch let error as QueryError {
            XCTAssertEqual(error, .unknownProduct("nope"))
        }
    }

    func testProductsCanBeAddedAndRemovedLive() async throws {
        let service = try await makeService()
        try await service.add(Product(id: "cat-2", title: "Same cat, WebP", attributes: ["category": "animal"]), image: photo("chelsea.webp"))
        XCTAssertEqual(service.count, 5)
        let found = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 2))
        XCTAssertEqual(Set(found.results.map(\.product.id)), ["cat", "cat-2"])
        let removed = try await service.remove(ids: ["cat", "cat-2", "missing"])
        XCTAssertEqual(removed, 2)
        let after = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 10))
        XCTAssertFalse(after.results.contains { $0.product.id.hasPrefix("cat") })
        let stored = try await service.store.count()
        XCTAssertEqual(stored, 3)
    }

    func testBadRequestsAreExplained() async throws {
        let service = try await makeService()
        do {
            _ = try await service.search(image: photo("chelsea.png"), request: SearchRequest(k: 0))
            XCTFail("k = 0 accepted")
        } catch let error as QueryError {
            XCTAssertTrue(error.description.contains("k must be"))
        }
        do {
            _ = try await service.search(image: photo("not_an_image.jpg"), request: SearchRequest())
            XCTFail("text accepted as an image")
        } catch let error as ImagingError {
            guard case .notAnImage = error else { return XCTFail("\(error)") }
        }
    }

    func testEmptyCatalogSaysSo() async throws {
        let work = try ServiceFixtures.temporaryFolder(self)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("empty.db").path)
        let service = try await SearchService(store: store, embedder: PixelEmbedder())
        do {
            _ = try await service.search(image: photo("chelsea.png"), request: SearchRequest())
            XCTFail("empty catalog answered")
        } catch let error as QueryError {
            guard case .emptyCatalog = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("lookalike index"))
        }
    }
}
