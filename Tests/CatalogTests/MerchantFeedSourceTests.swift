import Catalog
import Foundation
import TestSupport
import XCTest

/// Google Merchant Center feeds: RSS and Atom XML with and without the g: prefix, TSV and CSV.
final class MerchantFeedSourceTests: TimedTestCase {
    private func makeShop() throws -> URL {
        let folder = try makeTemporaryFolder(self)
        try FeedFixtures.photo("china.jpg", as: "images/dress-front.jpg", in: folder)
        try FeedFixtures.photo("flower.jpg", as: "images/dress-back.jpg", in: folder)
        try FeedFixtures.photo("coffee.png", as: "images/shirt.png", in: folder)
        return folder
    }

    func testRSSFeedWithGooglePrefixUnprefixedFieldsAndBadItems() throws {
        let shop = try makeShop()
        let feed = try write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
            <channel>
              <title>Lina shop</title>
              <link>https://shop.example</link>
              <description>All products</description>
              <item>
                <g:id>DRS-001</g:id>
                <g:title>Red maxi dress, linen</g:title>
                <g:description>A long dress &amp; a belt</g:description>
                <g:link>https://shop.example/products/drs-001</g:link>
                <g:image_link>images/dress-front.jpg</g:image_link>
                <g:additional_image_link>images/dress-back.jpg</g:additional_image_link>
                <g:additional_image_link>https://cdn.example/dress-side.jpg,https://cdn.example/dress-detail.jpg</g:additional_image_link>
                <g:additional_image_link>images/dress-front.jpg</g:additional_image_link>
                <g:price>89.90 EUR</g:price>
                <g:sale_price>59.90 EUR</g:sale_price>
                <g:availability>in stock</g:availability>
                <g:brand>Lina</g:brand>
                <g:gender>female</g:gender>
                <g:age_group>adult</g:age_group>
                <g:color>Red</g:color>
                <g:size>M</g:size>
                <g:material>Linen</g:material>
                <g:product_type>Apparel &gt; Dresses &gt; Maxi dresses</g:product_type>
                <g:google_product_category>Apparel &amp; Accessories &gt; Clothing &gt; Dresses</g:google_product_category>
                <g:item_group_id>DRS</g:item_group_id>
                <g:shipping><g:country>DE</g:country><g:price>4.95 EUR</g:price></g:shipping>
                <g:gtin>4006381333931</g:gtin>
              </item>
              <item>
                <id>SHR-7</id>
                <title><![CDATA[Oxford shirt "Blue" <slim>]]></title>
                <link>https://shop.example/products/shr-7</link>
                <image_link>https://cdn.example/shirt.jpg</image_link>
                <price>29.99 EUR</price>
                <availability>out_of_stock</availability>
              </item>
              <item>
                <g:title>No id</g:title>
                <g:image_link>images/dress-front.jpg</g:image_link>
              </item>
              <item>
                <g:id>NOIMG</g:id>
                <g:title>No image</g:title>
              </item>
              <item>
                <g:id>NOTITLE</g:id>
                <g:image_link>images/shirt.png</g:image_link>
                <g:color>Blue</g:color>
              </item>
              <item>
                <g:id>GONE</g:id>
                <g:title>Gone</g:title>
                <g:image_link>images/missing.jpg</g:image_link>
              </item>
            </channel>
            </rss>
            """, to: "feed.xml", in: shop)
        let source = try Catalog.source(for: feed.path)
        XCTAssertEqual((source as? MerchantFeedSource)?.syntax, .xml)
        XCTAssertEntries(try FeedFixtures.entries(source), [
            .item(SourceItem(
                id: "DRS-001", title: "Red maxi dress, linen",
                attributes: [
                    "brand": "Lina", "gender": "female", "age_group": "adult", "color": "Red", "size": "M", "material": "Linen",
                    "product_type": "Apparel > Dresses > Maxi dresses", "articleType": "Maxi dresses",
                    "google_product_category": "Apparel & Accessories > Clothing > Dresses", "item_group_id": "DRS",
                    "link": "https://shop.example/products/drs-001", "availability": "in_stock",
                    "price": "89.90", "sale_price": "59.90", "currency": "EUR",
                ],
                image: FeedFixtures.file("images/dress-front.jpg", in: shop),
                additionalImages: [FeedFixtures.file("images/dress-back.jpg", in: shop),
                                   try FeedFixtures.remote("https://cdn.example/dress-side.jpg"),
                                   try FeedFixtures.remote("https://cdn.example/dress-detail.jpg")],
                location: "feed.xml item 1")),
            .item(SourceItem(
                id: "SHR-7", title: #"Oxford shirt "Blue" <slim>"#,
                attributes: ["link": "https://shop.example/products/shr-7", "availability": "out_of_stock",
                             "price": "29.99", "currency": "EUR"],
                image: try FeedFixtures.remote("https://cdn.example/shirt.jpg"), location: "feed.xml item 2")),
            .problem(SourceProblem(item: "feed.xml item 3", reason: "the id is empty")),
            .problem(SourceProblem(item: "feed.xml item 4 (id NOIMG)", reason: "there is no image_link")),
            .item(SourceItem(id: "NOTITLE", title: "NOTITLE", attributes: ["color": "Blue"],
                             image: FeedFixtures.file("images/shirt.png", in: shop), location: "feed.xml item 5")),
            .problem(SourceProblem(item: "feed.xml item 6 (id GONE)", reason: "image images/missing.jpg not found")),
        ])
    }

    func testAtomFeed() throws {
        let shop = try makeShop()
        let feed = try write("""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- exported nightly -->
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
              <title>Lina shop</title>
              <link rel="self" href="https://shop.example/feed.atom"/>
              <updated>2024-05-01T00:00:00Z</updated>
              <entry>
                <g:id>TEE-1</g:id>
                <title>Basic tee</title>
                <link href="https://shop.example/products/tee-1"/>
                <g:image_link>https://cdn.example/tee.jpg</g:image_link>
                <g:additional_image_link>images/shirt.png</g:additional_image_link>
                <g:price>EUR 12.50</g:price>
                <g:color>White</g:color>
                <g:gender>unisex</g:gender>
              </entry>
              <entry>
                <g:id>TEE-2</g:id>
                <title>Ignored Atom title</title>
                <g:title>Striped tee</g:title>
                <link rel="alternate" href="https://shop.example/products/tee-2"/>
                <g:image_link>images/shirt.png</g:image_link>
                <g:price>1,299.00 USD</g:price>
                <g:product_type>Tops</g:product_type>
              </entry>
            </feed>
            """, to: "products.atom", in: shop)
        let source = try Catalog.source(for: feed.path)
        XCTAssertEqual((source as? MerchantFeedSource)?.syntax, .xml)
        XCTAssertEntries(try FeedFixtures.entries(source), [
            .item(SourceItem(id: "TEE-1", title: "Basic tee",
                             attributes: ["link": "https://shop.example/products/tee-1", "price": "12.50", "currency": "EUR",
                                          "color": "White", "gender": "unisex"],
                             image: try FeedFixtures.remote("https://cdn.example/tee.jpg"),
                             additionalImages: [FeedFixtures.file("images/shirt.png", in: shop)],
                             location: "products.atom item 1")),
            .item(SourceItem(id: "TEE-2", title: "Striped tee",
                             attributes: ["link": "https://shop.example/products/tee-2", "price": "1299.00", "currency": "USD",
                                          "product_type": "Tops", "articleType": "Tops"],
                             image: FeedFixtures.file("images/shirt.png", in: shop), location: "products.atom item 2")),
        ])
    }

    func testTSVFeedWithBOMRepeatedColumnsAndAnUnknownColumn() throws {
        let shop = try makeShop()
        let rows = [
            "\u{FEFF}id\ttitle\tImage Link\tg:additional_image_link\tadditional_image_link\tprice\tcolor\tcustom_label_0",
            "DRS-001\tRed maxi dress\timages/dress-front.jpg\timages/dress-back.jpg, https://cdn.example/a.jpg\thttps://cdn.example/b.jpg\t89.90 EUR\tRed\tsummer",
            "\tNo id\timages/dress-front.jpg\t\t\t1 EUR\t\t",
            "SHR-7\t\"Shirt\twith a tab\"\timages/shirt.png\t\t\t29,99 EUR\tBlue\t",
            "BAD\ttoo\tfew",
            "",
            "NOIMG\tNo image\t\t\t\t5 EUR\t\t",
        ]
        let feed = try write(rows.joined(separator: "\r\n") + "\r\n", to: "feed.txt", in: shop)
        let source = try Catalog.source(for: feed.path)
        XCTAssertEqual((source as? MerchantFeedSource)?.syntax, .tsv)
        XCTAssertEntries(try FeedFixtures.entries(source), [
            .item(SourceItem(id: "DRS-001", title: "Red maxi dress", attributes: ["price": "89.90", "currency": "EUR", "color": "Red"],
                             image: FeedFixtures.file("images/dress-front.jpg", in: shop),
                             additionalImages: [FeedFixtures.file("images/dress-back.jpg", in: shop),
                                                try FeedFixtures.remote("https://cdn.example/a.jpg"),
                                                try FeedFixtures.remote("https://cdn.example/b.jpg")],
                             location: "feed.txt line 2")),
            .problem(SourceProblem(item: "feed.txt line 3", reason: "the id is empty")),
            .item(SourceItem(id: "SHR-7", title: "Shirt\twith a tab", attributes: ["price": "29.99", "currency": "EUR", "color": "Blue"],
                             image: FeedFixtures.file("images/shirt.png", in: shop), location: "feed.txt line 4")),
            .problem(SourceProblem(item: "feed.txt line 5", reason: "expected 8 fields, found 3")),
            .problem(SourceProblem(item: "feed.txt line 7 (id NOIMG)", reason: "there is no image_link")),
        ])
    }

    func testCSVFeedAndAForcedFormat() throws {
        let shop = try makeShop()
        let csv = """
            id,title,image_link,additional_image_link,brand,availability
            SHR-7,"Oxford shirt, slim",images/shirt.png,"https://cdn.example/1.jpg,https://cdn.example/2.jpg",Lina,preorder
            """
        let feed = try write(csv, to: "export.csv", in: shop)
        let expected: [SourceEntry] = [
            .item(SourceItem(id: "SHR-7", title: "Oxford shirt, slim", attributes: ["brand": "Lina", "availability": "preorder"],
                             image: FeedFixtures.file("images/shirt.png", in: shop),
                             additionalImages: [try FeedFixtures.remote("https://cdn.example/1.jpg"),
                                                try FeedFixtures.remote("https://cdn.example/2.jpg")],
                             location: "export.csv line 2")),
        ]
        let detected = try Catalog.source(for: feed.path)
        XCTAssertEqual((detected as? MerchantFeedSource)?.syntax, .csv)
        XCTAssertEntries(try FeedFixtures.entries(detected), expected)
        // The same file read as a manifest: the manifest needs an "image" column, which it does not have.
        XCTAssertThrowsError(try Catalog.source(for: feed.path, format: .manifest).items()) { error in
            XCTAssertTrue("\(error)".contains("the header has no \"image\" column"), "\(error)")
        }
        // A Merchant feed without image_link, forced: the missing column is named.
        let bare = try write("id,title\n1,x\n", to: "bare.csv", in: shop)
        XCTAssertTrue(try Catalog.source(for: bare.path) is ManifestSource, "not a feed header: read as a manifest")
        XCTAssertThrowsError(try Catalog.source(for: bare.path, format: .merchant).items()) { error in
            XCTAssertEqual(error as? CatalogSourceError, .missingColumns(file: bare.path, missing: ["image_link"], found: ["id", "title"]))
        }
    }

    func testMalformedXMLListsTheItemsBeforeTheErrorThenAProblem() throws {
        let shop = try makeShop()
        let feed = try write("""
            <rss xmlns:g="http://base.google.com/ns/1.0"><channel>
            <item><g:id>A</g:id><g:image_link>images/shirt.png</g:image_link></item>
            <item><g:id>B</g:id><g:image_link>images/shirt.png</g:image_link></oops>
            <item><g:id>C</g:id><g:image_link>images/shirt.png</g:image_link></item>
            </channel></rss>
            """, to: "broken.xml", in: shop)
        let entries = try FeedFixtures.entries(try Catalog.source(for: feed.path))
        XCTAssertEqual(entries.count, 2, "\(entries)")
        XCTAssertEqual(entries.first, .item(SourceItem(id: "A", title: "A", attributes: [:],
                                                       image: FeedFixtures.file("images/shirt.png", in: shop),
                                                       location: "broken.xml item 1")))
        guard case let .problem(problem) = entries.last else { return XCTFail("\(entries)") }
        XCTAssertEqual(problem.item, "broken.xml")
        XCTAssertTrue(problem.reason.hasPrefix("the XML is malformed at line 3, column "), problem.reason)
        XCTAssertTrue(problem.reason.contains("(an end tag does not match its start tag)"), problem.reason)
        XCTAssertTrue(problem.reason.hasSuffix("the items after it are not listed"), problem.reason)

        // An HTML entity is not XML: the feed stops there, with a reason that says how to write it.
        let html = try write("""
            <rss xmlns:g="http://base.google.com/ns/1.0"><channel>
            <item><g:id>A</g:id><g:title>Tee &amp; scarf</g:title><g:image_link>images/shirt.png</g:image_link></item>
            <item><g:id>B</g:id><g:title>Soft&nbsp;tee</g:title><g:image_link>images/shirt.png</g:image_link></item>
            <item><g:id>C</g:id><g:title>Hat &amp; gloves</g:title><g:image_link>images/shirt.png</g:image_link></item>
            </channel></rss>
            """, to: "html.xml", in: shop)
        let listed = try FeedFixtures.entries(try Catalog.source(for: html.path))
        XCTAssertEqual(listed.count, 2, "\(listed)")
        XCTAssertEqual(listed.first, .item(SourceItem(id: "A", title: "Tee & scarf", attributes: [:],
                                                      image: FeedFixtures.file("images/shirt.png", in: shop),
                                                      location: "html.xml item 1")))
        guard case let .problem(entity) = listed.last else { return XCTFail("\(listed)") }
        XCTAssertTrue(entity.reason.hasPrefix("the XML is malformed at line 3, column "), entity.reason)
        XCTAssertTrue(entity.reason.contains("an undeclared entity such as &nbsp;"), entity.reason)
    }

    func testAnUndeclaredGPrefixStillCounts() throws {
        let shop = try makeShop()
        let feed = try write("""
            <rss><channel><item><g:id>A</g:id><g:title>Undeclared &amp; sloppy</g:title><g:image_link>images/shirt.png</g:image_link></item></channel></rss>
            """, to: "sloppy.xml", in: shop)
        XCTAssertEntries(try FeedFixtures.entries(try Catalog.source(for: feed.path)), [
            .item(SourceItem(id: "A", title: "Undeclared & sloppy", attributes: [:], image: FeedFixtures.file("images/shirt.png", in: shop),
                             location: "sloppy.xml item 1")),
        ])
        // Past the parser's first read of the file too.
        let many = (1 ... 5_000).map { "<item><g:id>P\($0)</g:id><g:image_link>https://cdn.example/\($0).jpg</g:image_link></item>" }
        let big = try write("<rss><channel>\n" + many.joined(separator: "\n") + "\n</channel></rss>\n", to: "sloppy-big.xml", in: shop)
        let entries = try FeedFixtures.entries(try Catalog.source(for: big.path))
        XCTAssertEqual(entries.count, 5_000)
        XCTAssertEqual(entries.last, .item(SourceItem(id: "P5000", title: "P5000", attributes: [:],
                                                      image: try FeedFixtures.remote("https://cdn.example/5000.jpg"),
                                                      location: "sloppy-big.xml item 5000")))
    }

    func testOtherXMLIsNotAFeed() throws {
        let shop = try makeShop()
        let other = try write("<?xml version=\"1.0\"?><catalog><product/></catalog>", to: "catalog.xml", in: shop)
        XCTAssertThrowsError(try Catalog.source(for: other.path)) { error in
            XCTAssertTrue("\(error)".contains("root element <catalog>"), "\(error)")
        }
        XCTAssertThrowsError(try Catalog.source(for: other.path, format: .merchant).items()) { error in
            XCTAssertTrue("\(error)".contains("the root element is <catalog>"), "\(error)")
        }
    }

    func testALargeFeedStreamsAndStopsWhenTheReaderStops() throws {
        let shop = try makeShop()
        let count = 20_000
        var text = #"<rss xmlns:g="http://base.google.com/ns/1.0"><channel>"# + "\n"
        for index in 1 ... count {
            text += "<item><g:id>P\(index)</g:id><g:image_link>https://cdn.example/\(index).jpg</g:image_link></item>\n"
        }
        text += "</channel></rss>\n"
        let feed = try write(text, to: "big.xml", in: shop)
        let source = try Catalog.source(for: feed.path)
        var seen = 0
        for case let .item(item) in try source.items() {
            seen += 1
            if item.id != "P\(seen)" { return XCTFail("item \(seen) is \(item.id)") }
        }
        XCTAssertEqual(seen, count)
        // A reader that stops early (an import with --limit) gets the first items; the parser then stops.
        let first = Array(try source.items().prefix(3))
        XCTAssertEqual(first.map { entry -> String in
            if case let .item(item) = entry { return item.id }
            return "\(entry)"
        }, ["P1", "P2", "P3"])
    }
}
