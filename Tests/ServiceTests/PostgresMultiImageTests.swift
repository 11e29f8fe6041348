import Catalog
import Foundation
import Imaging
import PostgresCatalog
import Service
import TestSupport
import XCTest

/// Products with several images on a PostgreSQL catalog: every image is a row of the model's vectors,
/// searched in one walk of pgvector's index, and products come back once, naming the image that matched.
/// Needs LOOKALIKE_TEST_POSTGRES_URL (set by `make test`).
final class PostgresMultiImageTests: TimedTestCase {
    func makeStore() async throws -> PostgresCatalogStore {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["LOOKALIKE_TEST_POSTGRES_URL"], !base.isEmpty else {
            if environment["LOOKALIKE_REQUIRE_POSTGRES"] == "1" || environment["CI"] == "true" {
                XCTFail("LOOKALIKE_TEST_POSTGRES_URL is not set but a PostgreSQL server is required (run `make test`)")
            }
            throw XCTSkip("LOOKALIKE_TEST_POSTGRES_URL not set: run `make test` for the PostgreSQL tests")
        }
        let schema = "multi_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let store = try await PostgresCatalogStore(url: base + (base.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable")
        addTeardownBlock { await store.close() }
        return store
    }

    func testProductsAreFoundOnceByTheirBestImageInTheDatabase() async throws {
        let store = try await makeStore()
        let work = try ServiceFixtures.temporaryFolder(self)
        let feed = try MultiImageFixtures.feed(in: work)
        let embedder = try ServiceFixtures.embedder()
        let pipeline = ImportPipeline(store: store, embedder: embedder)
        let first = try await pipeline.run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(first.indexed, 5)
        XCTAssertEqual(first.imagesEmbedded, 7)
        let service = try await SearchService(store: store, embedder: embedder)
        let products = try await store.vectorCount(modelKey: embedder.modelKey)
        XCTAssertEqual(products, 5, "products, not images")

        let cat = try await service.search(image: MultiImageFixtures.photo("chelsea.png"), request: SearchRequest(k: 5))
        MultiImageFixtures.assertProductsOnce(cat.results)
        XCTAssertEqual(cat.results.first?.product.id, "BAG-1")
        XCTAssertEqual(cat.results.first?.image, 1)
        XCTAssertEqual(cat.results.count, 4, "the two tees are one group")
        var ungrouped = SearchRequest(k: 5)
        ungrouped.groupVariants = false
        let tees = try await service.search(image: MultiImageFixtures.photo("china.jpg"), request: ungrouped)
        MultiImageFixtures.assertProductsOnce(tees.results)
        XCTAssertEqual(Set(tees.results.prefix(2).map(\.product.id)), ["TEE-RED", "TEE-BLUE"])

        let similar = try await service.similar(to: "BAG-1", request: SearchRequest(k: 5))
        MultiImageFixtures.assertProductsOnce(similar)
        XCTAssertFalse(similar.contains { $0.product.id == "BAG-1" })
        let vectors = try await store.vectors(for: "BAG-1", modelKey: embedder.modelKey)
        XCTAssertEqual(vectors.map(\.image), [0, 1])

        let again = try await pipeline.run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(again.indexed, 0)
        XCTAssertEqual(again.unchanged, 5)

        _ = try MultiImageFixtures.feed(in: work, bagSecondImage: "motorcycle_left.png")
        let changed = try await pipeline.run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(changed.imagesEmbedded, 2)
        let images = try await store.loadImageVectors(modelKey: embedder.modelKey)
        XCTAssertEqual(images.productIDs, ["BAG-1", "SUIT-2"])
        _ = try await service.remove(ids: ["BAG-1"])
        let left = try await store.loadImageVectors(modelKey: embedder.modelKey)
        XCTAssertEqual(left.productIDs, ["SUIT-2"])
        let after = try await service.search(image: MultiImageFixtures.photo("motorcycle_left.png"), request: SearchRequest(k: 5))
        XCTAssertFalse(after.results.contains { $0.product.id == "BAG-1" })
    }
}
