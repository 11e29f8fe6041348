import Catalog
import Foundation
import Service
import TestSupport
import XCTest

/// A product feed whose images are URLs on the shop's web server: every good image is downloaded and
/// embedded, every fault fails only its own item with its reason, and a second import of the unchanged
/// feed downloads nothing.
final class RemoteImageImportTests: TimedTestCase {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = [ServiceFixtures.photos, ServiceFixtures.images].map { $0.appendingPathComponent(name) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
        guard let url else { throw XCTSkip("fixture \(name) missing: run `make setup`") }
        return Array(try Data(contentsOf: url))
    }

    static func feed(_ base: String, items: [(id: String, image: String)]) -> String {
        let entries = items.map { item in
            """
            <item><g:id>\(item.id)</g:id><g:title>Product \(item.id)</g:title><g:link>\(base)/products/\(item.id)</g:link>
            <g:image_link>\(item.image)</g:image_link><g:brand>Maison</g:brand></item>
            """
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Shop</title>
            \(entries.joined(separator: "\n"))
            </channel></rss>
            """
    }

    func testFeedImagesAreDownloadedWithFaultsIsolatedAndNotDownloadedAgainWhenUnchanged() async throws {
        let shop = ShopServer(images: [
            "a.jpg": try Self.bytes("chelsea.png"), "b.jpg": try Self.bytes("coffee.png"), "c.jpg": try Self.bytes("rocket.jpg"),
            "d.jpg": try Self.bytes("flower.jpg"), "flaky.jpg": try Self.bytes("china.jpg"), "busy.jpg": try Self.bytes("chelsea_upright.jpg"),
            "slow.jpg": try Self.bytes("chelsea_grey.png"), "truncated.jpg": try Self.bytes("astronaut.png"),
            "huge.jpg": [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 7, count: 1_200_000),
        ])
        let work = try ServiceFixtures.temporaryFolder(self)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("shop.db").path)
        let assets = work.appendingPathComponent("shop-images")
        var options = ImportOptions()
        options.assetsDirectory = assets
        options.batchSize = 4
        options.remote.requestTimeout = 1.5
        options.remote.retries = 1
        options.remote.backoff = 0.05
        options.remote.maxBytes = 1_000_000
        let pipeline = ImportPipeline(store: store, embedder: try ServiceFixtures.embedder(), options: options)

        try await shop.run { base in
            let good = ["a", "b", "c", "d"].map { ($0, "\(base)/img/\($0).jpg") }
            let faults: [(id: String, image: String, reason: String)] = [
                ("missing", "\(base)/fault/missing.jpg", "HTTP 404"),
                ("very-busy", "\(base)/fault/very-busy.jpg", "retry after 3600 s"),
                ("slow", "\(base)/fault/slow.jpg", "no complete answer within 1 s"),
                ("truncated", "\(base)/fault/truncated.jpg", "the download failed"),
                ("page", "\(base)/fault/page.jpg", "not an image (image/jpeg, starts with '<!DOCTYPE html>"),
                ("loop", "\(base)/fault/loop-a.jpg", "redirects go round in a circle"),
                ("huge", "\(base)/fault/huge.jpg", "larger than 1 MB"),
                ("ftp", "ftp://127.0.0.1/x.jpg", "is neither an http(s) URL nor a file path"),
            ]
            let items = good + [("flaky", "\(base)/fault/flaky.jpg"), ("busy", "\(base)/fault/busy.jpg")] + faults.map { ($0.id, $0.image) }
            let feedFile = work.appendingPathComponent("feed.xml")
            try Self.feed(base, items: items).write(to: feedFile, atomically: true, encoding: .utf8)

            let first = try await pipeline.run(source: try MerchantFeedSource(file: feedFile))
            XCTAssertEqual(first.indexed, 6, "\(first.failures)")
            XCTAssertEqual(first.failed, faults.count, "\(first.failures)")
            XCTAssertEqual(first.downloads.downloaded, 6)
            let failures = try await store.failures(runID: first.runID)
            for fault in faults {
                let reason = failures.first { $0.item == fault.id || $0.item.hasSuffix("(id \(fault.id))") }?.reason ?? "(not failed)"
                XCTAssertTrue(reason.contains(fault.reason), "\(fault.id): expected '\(fault.reason)' in '\(reason)'")
            }
            // Retried to success: 500 then 200, and 429 (Retry-After: 1) then 200.
            XCTAssertEqual(shop.count("/fault/flaky.jpg", status: 500), 1)
            XCTAssertEqual(shop.count("/fault/flaky.jpg", status: 200), 1)
            XCTAssertEqual(shop.count("/fault/busy.jpg", status: 429), 1)
            XCTAssertEqual(shop.count("/fault/busy.jpg", status: 200), 1)
            XCTAssertEqual(shop.count("/fault/very-busy.jpg"), 1, "a Retry-After beyond the limit is not waited for")
            // Products point at local copies, so thumbnails never wait for the shop's server.
            let product = try await store.product(id: "a")
            let path = try XCTUnwrap(product?.imagePath)
            XCTAssertTrue(path.hasPrefix(assets.standardizedFileURL.path) || path.hasPrefix(assets.path), path)
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), try Self.bytes("chelsea.png"))

            // The same feed again: conditional requests only, nothing downloaded, nothing embedded.
            shop.resetCounts()
            let second = try await pipeline.run(source: try MerchantFeedSource(file: feedFile))
            XCTAssertEqual(second.indexed, 0)
            XCTAssertEqual(second.unchanged, 6)
            XCTAssertEqual(second.downloads.downloaded, 0)
            XCTAssertEqual(second.downloads.notModified, 6)
            XCTAssertEqual(shop.imageDownloads, 0)
            XCTAssertEqual(shop.count("/img/a.jpg", status: 304), 1)

            // One image changes on the server: only it is downloaded and embedded again.
            shop.replace("b.jpg", with: try Self.bytes("motorcycle_left.png"))
            shop.resetCounts()
            let third = try await pipeline.run(source: try MerchantFeedSource(file: feedFile))
            XCTAssertEqual(third.indexed, 1)
            XCTAssertEqual(third.unchanged, 5)
            XCTAssertEqual(shop.imageDownloads, 1)
            XCTAssertEqual(shop.count("/img/b.jpg", status: 200), 1)
        }
    }
}
