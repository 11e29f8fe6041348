import Catalog
import Foundation
import TestSupport
import XCTest

/// WooCommerce product CSV exports: simple products, variable products and their variations.
final class WooCommerceProductSourceTests: TimedTestCase {
    func testVariableProductsVariationsAndBadRows() throws {
        let shop = try makeTemporaryFolder(self)
        try FeedFixtures.photo("flower.jpg", as: "images/hoodie-back.jpg", in: shop)
        try FeedFixtures.photo("china.jpg", as: "images/hoodie-red.jpg", in: shop)
        try FeedFixtures.photo("coffee.png", as: "images/scarf.jpg", in: shop)
        let rows = [
            "ID,Type,SKU,Name,Published,Is featured?,Short description,Categories,Tags,Images,Parent,Regular price,Sale price,"
                + "In stock?,Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 2 name,Attribute 2 value(s),"
                + "Brands,Meta: _custom_note",
            // Lines 2-3: one row; the short description holds a comma and a line break.
            #"100,variable,HOODIE,Zip hoodie,1,0,"Soft, warm"#,
            #"hoodie","Clothing > Hoodies\, sweaters, Sale",warm,"https://cdn.example/hoodie.jpg, images/hoodie-back.jpg",,,,1,Color,"Red, Blue",1,Size,"S, M",Lina,note"#,
            #"101,variation,HOODIE-RED-S,"Zip hoodie - Red, S",1,0,,,,images/hoodie-red.jpg,id:100,49.00,39.00,1,Color,Red,,Size,S,,"#,
            "102,variation,HOODIE-BLUE-M,,1,0,,,,,HOODIE,49.00,,0,Color,Blue,,Size,M,,",
            #"200,simple,SCARF,"Scarf ""Nordic"", wool",-1,0,,Accessories > Scarves,,images/scarf.jpg,,19.90,,1,,,,,,,"#,
            "300,simple,NOIMG,No image,1,0,,,,,,5.00,,1,,,,,,,",
            ",simple,,Nothing,1,0,,,,https://cdn.example/n.jpg,,1.00,,1,,,,,,,",
            "400,variation,V-1,Orphan variation,1,0,,,,https://cdn.example/v.jpg,id:999,10,,onbackorder,Color,Green,,,,,",
            "500,simple,,Too,few",
        ]
        let export = try write(rows.joined(separator: "\r\n"), to: "wc-product-export.csv", in: shop)
        let source = try Catalog.source(for: export.path)
        XCTAssertTrue(source is WooCommerceProductSource, "\(source)")
        let hoodie: [String: String] = ["product_type": "Clothing > Hoodies, sweaters, Sale", "articleType": "Hoodies, sweaters",
                                        "tags": "warm", "brand": "Lina", "item_group_id": "100"]
        XCTAssertEntries(try FeedFixtures.entries(source), [
            .item(SourceItem(id: "100", title: "Zip hoodie",
                             attributes: hoodie.merging(["sku": "HOODIE", "availability": "in_stock", "status": "published",
                                                         "color": "Red, Blue", "size": "S, M"]) { $1 },
                             image: try FeedFixtures.remote("https://cdn.example/hoodie.jpg"),
                             additionalImages: [FeedFixtures.file("images/hoodie-back.jpg", in: shop)],
                             location: "wc-product-export.csv line 2")),
            .item(SourceItem(id: "101", title: "Zip hoodie - Red, S",
                             attributes: hoodie.merging(["sku": "HOODIE-RED-S", "availability": "in_stock", "status": "published",
                                                         "price": "49.00", "sale_price": "39.00", "color": "Red", "size": "S"]) { $1 },
                             image: FeedFixtures.file("images/hoodie-red.jpg", in: shop),
                             location: "wc-product-export.csv line 4")),
            // No name, no image: both from the variable product, named by its SKU.
            .item(SourceItem(id: "102", title: "Zip hoodie",
                             attributes: hoodie.merging(["sku": "HOODIE-BLUE-M", "availability": "out_of_stock", "status": "published",
                                                         "price": "49.00", "color": "Blue", "size": "M"]) { $1 },
                             image: try FeedFixtures.remote("https://cdn.example/hoodie.jpg"),
                             additionalImages: [FeedFixtures.file("images/hoodie-back.jpg", in: shop)],
                             location: "wc-product-export.csv line 5")),
            .item(SourceItem(id: "200", title: #"Scarf "Nordic", wool"#,
                             attributes: ["sku": "SCARF", "product_type": "Accessories > Scarves", "articleType": "Scarves",
                                          "status": "draft", "price": "19.90", "availability": "in_stock"],
                             image: FeedFixtures.file("images/scarf.jpg", in: shop),
                             location: "wc-product-export.csv line 6")),
            .problem(SourceProblem(item: "wc-product-export.csv line 7 (id 300)", reason: "there is no image (Images is empty)")),
            .problem(SourceProblem(item: "wc-product-export.csv line 8", reason: "there is no ID or SKU")),
            .item(SourceItem(id: "400", title: "Orphan variation",
                             attributes: ["sku": "V-1", "status": "published", "price": "10", "availability": "backorder",
                                          "color": "Green", "item_group_id": "999"],
                             image: try FeedFixtures.remote("https://cdn.example/v.jpg"),
                             location: "wc-product-export.csv line 9")),
            .problem(SourceProblem(item: "wc-product-export.csv line 10", reason: "expected 21 fields, found 5")),
        ])
    }

    func testSKUIsTheIdWithoutAnIDColumn() throws {
        let shop = try makeTemporaryFolder(self)
        let export = try write("SKU,Name,Images\nTEE-1,Tee,https://cdn.example/tee.jpg\n", to: "products.csv", in: shop)
        XCTAssertEntries(try FeedFixtures.entries(try Catalog.source(for: export.path)), [
            .item(SourceItem(id: "TEE-1", title: "Tee", attributes: ["sku": "TEE-1"],
                             image: try FeedFixtures.remote("https://cdn.example/tee.jpg"), location: "products.csv line 2")),
        ])
        // Forced as a Shopify export, the columns Shopify needs are named.
        XCTAssertThrowsError(try Catalog.source(for: export.path, format: .shopify).items()) { error in
            XCTAssertEqual(error as? CatalogSourceError, .missingColumns(file: export.path, missing: ["Handle", "Title", "Image Src"],
                                                                         found: ["SKU", "Name", "Images"]))
        }
    }
}
