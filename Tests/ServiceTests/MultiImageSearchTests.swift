import Catalog
import Embedding
import Foundation
import Imaging
import Service
import TestSupport
import XCTest

/// Products with several images, on a SQLite catalog searched in memory: every image is embedded, a search
/// ranks products (each once, by its best image) and names the image that matched, "more like this" uses
/// every image, variants of an item group are shown once unless asked not to, and re-imports embed only
/// what changed.
final class MultiImageSearchTests: TimedTestCase {
    func testEveryImageIsEmbeddedAndAProductIsFoundOnceByItsBestImage() async throws {
        let work = try ServiceFixtures.temporaryFolder(self)
        let feed = try MultiImageFixtures.feed(in: work)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("shop.db").path)
        let embedder = try ServiceFixtures.embedder()
        let pipeline = ImportPipeline(store: store, embedder: embedder)
        let first = try await pipeline.run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(first.indexed, 5)
        XCTAssertEqual(first.imagesEmbedded, 7, "5 primary images and 2 additional ones")
        XCTAssertEqual(first.failed, 1, "\(first.failures)")
        XCTAssertTrue(first.failures.first?.hasPrefix("SUIT-2 image 2: ") ?? false, "\(first.failures)")
        let bag = try await store.product(id: "BAG-1")
        XCTAssertEqual(bag?.images.map(\.position), [1])
        XCTAssertEqual(bag?.images.first?.imagePath, work.appendingPathComponent("img/bag-side.png").path)
        let suit = try await store.product(id: "SUIT-2")
        XCTAssertEqual(suit?.images.map(\.position), [1], "the missing image is left out, the others keep their place")

        let service = try await SearchService(store: store, embedder: embedder)
        XCTAssertEqual(service.count, 5, "products, not images")
        // The cat photo is BAG-1's second image: BAG-1 comes first, once, naming that image.
        let cat = try await service.search(image: MultiImageFixtures.photo("chelsea.png"), request: SearchRequest(k: 5))
        MultiImageFixtures.assertProductsOnce(cat.results)
        XCTAssertEqual(cat.results.first?.product.id, "BAG-1")
        XCTAssertEqual(cat.results.first?.image, 1)
        XCTAssertEqual(cat.results.first?.imagePath, work.appendingPathComponent("img/bag-side.png").path)
        XCTAssertGreaterThan(cat.results.first?.score ?? 0, 0.95)
        XCTAssertEqual(cat.results.count, 4, "five products in four groups: the two tees are one")
        // The front of the bag matches its primary image.
        let mug = try await service.search(image: MultiImageFixtures.photo("coffee.png"), request: SearchRequest(k: 1))
        XCTAssertEqual(mug.results.map(\.product.id), ["BAG-1"])
        XCTAssertEqual(mug.results.first?.image, 0)

        // Variants: one of the tees by default (the catalog has item groups), both when grouping is off.
        let tee = try await service.search(image: MultiImageFixtures.photo("china.jpg"), request: SearchRequest(k: 5))
        MultiImageFixtures.assertProductsOnce(tee.results)
        XCTAssertEqual(tee.results.filter { $0.product.id.hasPrefix("TEE-") }.count, 1, "\(tee.results.map(\.product.id))")
        var ungrouped = SearchRequest(k: 5)
        ungrouped.groupVariants = false
        let both = try await service.search(image: MultiImageFixtures.photo("china.jpg"), request: ungrouped)
        MultiImageFixtures.assertProductsOnce(both.results)
        XCTAssertEqual(Set(both.results.prefix(2).map(\.product.id)), ["TEE-RED", "TEE-BLUE"])
        XCTAssertEqual(both.results.count, 5)

        // More like this: from all of the bag's images, the bag itself left out.
        let similar = try await service.similar(to: "BAG-1", request: SearchRequest(k: 5))
        MultiImageFixtures.assertProductsOnce(similar)
        XCTAssertFalse(similar.contains { $0.product.id == "BAG-1" })
        XCTAssertEqual(similar.count, 3, "the four other products, the tees as one")
        let vectors = try await service.backend.vectors(for: "BAG-1")
        XCTAssertEqual(vectors.map(\.image), [0, 1])

        // The same feed again: nothing embedded; the missing image is reported again.
        let again = try await pipeline.run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(again.indexed, 0)
        XCTAssertEqual(again.unchanged, 5)
        XCTAssertEqual(again.imagesEmbedded, 0)
        XCTAssertEqual(again.failed, 1)

        // BAG-1's second image changes: that product alone is embedded again, both of its images.
        _ = try MultiImageFixtures.feed(in: work, bagSecondImage: "motorcycle_left.png")
        let changed = try await pipeline.run(source: try MerchantFeedSource(file: feed))
        XCTAssertEqual(changed.indexed, 1)
        XCTAssertEqual(changed.imagesEmbedded, 2)
        let fresh = try await SearchService(store: store, embedder: embedder)
        let motorbike = try await fresh.search(image: MultiImageFixtures.photo("motorcycle_left.png"), request: SearchRequest(k: 3))
        XCTAssertEqual(motorbike.results.first?.product.id, "BAG-1")
        XCTAssertEqual(motorbike.results.first?.image, 1)
        let images = try await store.loadImageVectors(modelKey: embedder.modelKey)
        XCTAssertEqual(images.count, 2, "the old vector of the changed image is replaced, never kept beside the new one")

        // Removing a product removes every image of it.
        _ = try await fresh.remove(ids: ["SUIT-2"])
        let left = try await store.loadImageVectors(modelKey: embedder.modelKey)
        XCTAssertEqual(left.productIDs, ["BAG-1"])
        let afterRemoval = try await fresh.search(image: MultiImageFixtures.photo("flower.jpg"), request: SearchRequest(k: 5))
        XCTAssertFalse(afterRemoval.results.contains { $0.product.id == "SUIT-2" })
    }

    func testALiveImportMakesEveryImageSearchableAndAPruneForgetsThem() async throws {
        let work = try ServiceFixtures.temporaryFolder(self)
        let feed = try MultiImageFixtures.feed(in: work)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("shop.db").path)
        let service = try await SearchService(store: store, embedder: try ServiceFixtures.embedder())
        var options = ImportOptions()
        options.prune = true
        _ = try await service.importChanges(from: try MerchantFeedSource(file: feed), options: options)
        let cat = try await service.search(image: MultiImageFixtures.photo("chelsea.png"), request: SearchRequest(k: 3))
        XCTAssertEqual(cat.results.first?.product.id, "BAG-1")
        XCTAssertEqual(cat.results.first?.image, 1)
        MultiImageFixtures.assertProductsOnce(cat.results)
        XCTAssertTrue(service.groupsVariants(SearchRequest()), "a catalog with item groups groups variants by default")

        // The bag leaves the feed: a pruning sync removes it with its images from the served index.
        let text = try String(contentsOf: feed, encoding: .utf8)
        try Data(text.split(separator: "\n").filter { !$0.hasPrefix("BAG-1") }.joined(separator: "\n").utf8).write(to: feed)
        let pruned = try await service.importChanges(from: try MerchantFeedSource(file: feed), options: options)
        XCTAssertEqual(pruned.removed, 1)
        let after = try await service.search(image: MultiImageFixtures.photo("chelsea.png"), request: SearchRequest(k: 5))
        XCTAssertFalse(after.results.contains { $0.product.id == "BAG-1" })
        MultiImageFixtures.assertProductsOnce(after.results)
        XCTAssertEqual(service.count, 4)
    }

    func testAdditionalImagesByURLAreDownloadedAndNotAgainWhenUnchanged() async throws {
        let shop = ShopServer(images: ["front.jpg": try RemoteImageImportTests.bytes("coffee.png"),
                                       "side.jpg": try RemoteImageImportTests.bytes("chelsea.png")])
        let work = try ServiceFixtures.temporaryFolder(self)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("shop.db").path)
        var options = ImportOptions()
        options.assetsDirectory = work.appendingPathComponent("shop-images")
        let embedder = try ServiceFixtures.embedder()
        let pipeline = ImportPipeline(store: store, embedder: embedder, options: options)
        try await shop.run { base in
            let feed = work.appendingPathComponent("feed.tsv")
            try Data("""
                id\ttitle\timage_link\tadditional_image_link
                BAG-1\tCanvas bag\t\(base)/img/front.jpg\t\(base)/img/side.jpg,\(base)/img/gone.jpg

                """.utf8).write(to: feed)
            let first = try await pipeline.run(source: try MerchantFeedSource(file: feed))
            XCTAssertEqual(first.indexed, 1)
            XCTAssertEqual(first.imagesEmbedded, 2)
            XCTAssertEqual(first.downloads.downloaded, 2)
            XCTAssertEqual(first.failures, ["BAG-1 image 2: image \(base)/img/gone.jpg: the server answered HTTP 404"])
            let bag = try await store.product(id: "BAG-1")
            XCTAssertEqual(bag?.images.map(\.position), [1])
            XCTAssertTrue(bag?.images.first?.imagePath?.hasPrefix(work.appendingPathComponent("shop-images").path) ?? false)

            let again = try await pipeline.run(source: try MerchantFeedSource(file: feed))
            XCTAssertEqual(again.downloads.downloaded, 0)
            XCTAssertEqual(again.downloads.notModified, 2)
            XCTAssertEqual(again.imagesEmbedded, 0)
            XCTAssertEqual(shop.count("/img/side.jpg", status: 200), 1, "the additional image was downloaded once")

            let service = try await SearchService(store: store, embedder: embedder)
            let cat = try await service.search(image: MultiImageFixtures.photo("chelsea.png"), request: SearchRequest(k: 1))
            XCTAssertEqual(cat.results.first?.product.id, "BAG-1")
            XCTAssertEqual(cat.results.first?.image, 1)
        }
    }
}
