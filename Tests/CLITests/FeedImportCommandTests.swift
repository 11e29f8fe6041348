import Foundation
import TestSupport
import XCTest

/// `lookalike index` on a shop's product feed: local images are imported with the feed's attributes,
/// images given by URL are downloaded, an image that cannot be fetched fails its item alone, and a feed
/// can be given by URL.
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
                <g:additional_image_link>http://127.0.0.1:9/cat-back.jpg</g:additional_image_link>
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
                <g:image_link>http://127.0.0.1:9/remote.jpg</g:image_link>
              </item>
            </channel>
            </rss>
            """.utf8).write(to: feed)
        let db = folder.appendingPathComponent("shop.db").path

        let index = try CLIRunner.run(["index", feed.path, "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stderr.contains("Merchant Center XML feed \(feed.path)"), index.stderr)
        XCTAssertTrue(index.stdout.contains("3 indexed, 0 unchanged, 2 failed"), index.stdout)
        XCTAssertTrue(index.stdout.contains("CAT-1 image 1: image http://127.0.0.1:9/cat-back.jpg: the server cannot be reached"), index.stdout)
        XCTAssertTrue(index.stdout.contains("REMOTE-4: image http://127.0.0.1:9/remote.jpg: the server cannot be reached"), index.stdout)

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
        XCTAssertTrue(again.stdout.contains("0 indexed, 3 unchanged, 2 failed"), again.stdout)
        let wrong = try CLIRunner.run(["index", feed.path, "--format", "shopify", "--db", db], in: folder)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("the header has no \"Handle\""), wrong.stderr)
    }

    func testSearchJSONNamesTheImageThatMatchedAndNeverRepeatsAProduct() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let images = folder.appendingPathComponent("img")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for (source, target) in [("coffee.png", "bag-front.png"), ("chelsea.png", "bag-side.png"), ("astronaut.png", "suit.png"),
                                 ("rocket.jpg", "rocket.jpg"), ("china.jpg", "tee-red.jpg"), ("china.jpg", "tee-blue.jpg")] {
            try FileManager.default.copyItem(at: CLIRunner.root.appendingPathComponent("testdata/photos/\(source)"),
                                             to: images.appendingPathComponent(target))
        }
        let feed = folder.appendingPathComponent("feed.tsv")
        try Data("""
            id\ttitle\timage_link\tadditional_image_link\titem_group_id
            BAG-1\tCanvas bag\timg/bag-front.png\timg/bag-side.png\t
            SUIT-2\tSpace suit\timg/suit.png\t\t
            ROCKET-3\tRocket print\timg/rocket.jpg\t\t
            TEE-RED\tTee, red\timg/tee-red.jpg\t\tTEE
            TEE-BLUE\tTee, blue\timg/tee-blue.jpg\t\tTEE

            """.utf8).write(to: feed)
        let db = folder.appendingPathComponent("shop.db").path
        let index = try CLIRunner.run(["index", feed.path, "--db", db], in: folder)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stdout.contains("5 indexed, 0 unchanged, 0 failed, 0 removed; 6 images embedded"), index.stdout)

        func search(_ photo: String, _ extra: [String] = []) throws -> [[String: Any]] {
            let run = try CLIRunner.run(["search", CLIRunner.root.appendingPathComponent("testdata/photos/\(photo)").path,
                                         "--db", db, "--k", "5", "--json"] + extra, in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let results = try XCTUnwrap(line["results"] as? [[String: Any]])
            let ids = results.compactMap { $0["id"] as? String }
            XCTAssertEqual(ids.count, Set(ids).count, "a product came back twice: \(ids)")
            XCTAssertTrue(results.allSatisfy { $0["matched_image"] is Int }, "\(results)")
            return results
        }
        // The cat is the bag's second image: the bag, once, naming that image.
        let cat = try search("chelsea.png")
        XCTAssertEqual(cat.first?["id"] as? String, "BAG-1")
        XCTAssertEqual(cat.first?["matched_image"] as? Int, 1)
        XCTAssertEqual(cat.first?["image"] as? String, images.appendingPathComponent("bag-side.png").path)
        // The tees are variants of one group: one of them by default, both with --no-group-variants.
        let grouped = try search("china.jpg")
        XCTAssertEqual(grouped.filter { ($0["id"] as? String)?.hasPrefix("TEE-") == true }.count, 1)
        XCTAssertEqual(grouped.count, 4)
        let ungrouped = try search("china.jpg", ["--no-group-variants"])
        XCTAssertEqual(ungrouped.filter { ($0["id"] as? String)?.hasPrefix("TEE-") == true }.count, 2)
        XCTAssertEqual(ungrouped.count, 5)
        let forced = try search("china.jpg", ["--group-variants"])
        XCTAssertEqual(forced.count, 4)
    }

    func testAFeedByURLIsImportedAndAnUnchangedOneDownloadsNothing() throws {
        let folder = try CLIRunner.temporaryFolder(self)
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("img"), withIntermediateDirectories: true)
        for name in ["chelsea.png", "coffee.png", "rocket.jpg"] {
            try FileManager.default.copyItem(at: CLIRunner.root.appendingPathComponent("testdata/photos/\(name)"),
                                             to: site.appendingPathComponent("img/\(name)"))
        }
        // A static web server (Python's, which answers If-Modified-Since with 304) on a free port.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = ["-c", """
            import http.server, socketserver, sys
            handler = http.server.SimpleHTTPRequestHandler
            handler.log_message = lambda *a: None
            with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
                print(httpd.server_address[1], flush=True)
                httpd.serve_forever()
            """]
        server.currentDirectoryURL = site
        let portPipe = Pipe()
        server.standardOutput = portPipe
        try server.run()
        defer { server.terminate() }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableData, as: UTF8.self)
        let port = try XCTUnwrap(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), "python's server did not start: \(portLine)")
        let base = "http://127.0.0.1:\(port)"
        let items = [("CAT-1", "chelsea.png"), ("MUG-2", "coffee.png"), ("ROCKET-3", "rocket.jpg"), ("GONE-4", "missing.jpg")]
        let feed = """
            id\ttitle\timage_link\tbrand
            \(items.map { "\($0.0)\tProduct \($0.0)\t\(base)/img/\($0.1)\tLina" }.joined(separator: "\n"))
            """
        try Data(feed.utf8).write(to: site.appendingPathComponent("feed.tsv"))
        let db = folder.appendingPathComponent("shop.db").path

        let first = try CLIRunner.run(["index", "\(base)/feed.tsv", "--db", db], in: folder)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("3 indexed, 0 unchanged, 1 failed"), first.stdout)
        XCTAssertTrue(first.stdout.contains("images by URL: 3 downloaded"), first.stdout)
        XCTAssertTrue(first.stdout.contains("GONE-4: image \(base)/img/missing.jpg: the server answered HTTP 404"), first.stdout)

        let second = try CLIRunner.run(["index", "\(base)/feed.tsv", "--db", db], in: folder)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("0 indexed, 3 unchanged, 1 failed"), second.stdout)
        XCTAssertTrue(second.stdout.contains("images by URL: 0 downloaded (Zero KB), 3 not modified, 1 failed")
                      || second.stdout.contains("images by URL: 0 downloaded"), second.stdout)
        XCTAssertTrue(second.stdout.contains("3 not modified"), second.stdout)

        // The catalog names the feed's URL, not the downloaded copy.
        let stats = try CLIRunner.run(["stats", "--db", db], in: folder)
        XCTAssertTrue(stats.stdout.contains("\(base)/feed.tsv"), stats.stdout)
    }
}
