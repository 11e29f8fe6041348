import Foundation
import TestSupport
import XCTest

/// `lookalike index` on a shop's product feed: local images are imported with the feed's attributes,
/// a remote image fails its item alone.
final class FeedImportCommandTests: TimedTestCase {
    func testIndexImportsAMerchantFeedWithLocalImages() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for name in ["chelsea.png", "coffee.png", "astronaut.png"] {
            try FileManager.default.copyItem(at: CLIRunner.root.appendingPathComponent("testdata/photos/\(name)"),
                                             to: images.appendingPathComponent(name))
        }
        let feed = folder.appendingPathComponent("feed.xml")
        try Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
            <channel>
              <title>Test shop</title>
              <item>
                <g:id>CAT-1</g:id><g:title>Cat print tee</g:title>
                <g:link>https://shop.example/products/cat-1</g:link>
                <g:image_link>images/chelsea.png</g:image_link>
                <g:additional_image_link>https://cdn.example/cat-back.jpg</g:additional_image_link>
                <g:price>19.90 EUR</g:price><g:brand>Lina</g:brand><g:color>Orange</g:color>
                <g:product_type>Tops &gt; T-shirts</g:product_type>
              </item>
              <item>
                <g:id>MUG-2</g:id><g:title>Coffee mug</g:title>
                <g:image_link>images/coffee.png</g:image_link><g:brand>Lina</g:brand>
              </item>
              <item>
                <g:id>SUIT-3</g:id><g:title>Space suit</g:title>
                <g:image_link>images/astronaut.png</g:image_link><g:brand>Orbit</g:brand>
              </item>
              <item>
                <g:id>REMOTE-4</g:id><g:title>Remote only</g:title>
                <g:image_link>https://cdn.example/remote.jpg</g:image_link>
              </item>
            </channel>
            </rss>
            """.utf8).write(to: feed)
        let db = folder.appendingPathComponent("shop.db").path

        let index = try CLIRunner.run(["index", feed.path, "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stderr.contains("Merchant Center XML feed \(feed.path)"), index.stderr)
        XCTAssertTrue(index.stdout.contains("3 indexed, 0 unchanged, 1 failed"), index.stdout)
        XCTAssertTrue(index.stdout.contains("REMOTE-4: remote images (https://cdn.example/remote.jpg) are not supported"),
                      index.stdout)

        // The photo finds its product, with the feed's attributes.
        let search = try CLIRunner.run(["search", images.appendingPathComponent("chelsea.png").path, "--db", db, "--k", "3", "--json"],
                                       in: folder)
        XCTAssertEqual(search.status, 0, search.stderr)
        let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        let best = try XCTUnwrap((line["results"] as? [[String: Any]])?.first)
        XCTAssertEqual(best["id"] as? String, "CAT-1")
        XCTAssertEqual(best["title"] as? String, "Cat print tee")
        XCTAssertEqual(best["attributes"] as? [String: String], [
            "link": "https://shop.example/products/cat-1", "price": "19.90", "currency": "EUR", "brand": "Lina", "color": "Orange",
            "product_type": "Tops > T-shirts", "articleType": "T-shirts",
        ])

        // Forcing the format reads the same items: nothing changed, the remote item fails again.
        let again = try CLIRunner.run(["index", feed.path, "--format", "merchant", "--db", db], in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 indexed, 3 unchanged, 1 failed"), again.stdout)
        let wrong = try CLIRunner.run(["index", feed.path, "--format", "shopify", "--db", db], in: folder)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("the header has no \"Handle\""), wrong.stderr)
    }
}
