import Catalog
import Foundation
import TestSupport
import XCTest

/// Shopify product CSV exports: a product over several rows, its images and variants.
final class ShopifyProductSourceTests: TimedTestCase {
    func testProductsOverSeveralRowsWithImagesAndVariants() throws {
        let shop = try makeTemporaryFolder(self)
        try FeedFixtures.photo("china.jpg", as: "images/dress-front.jpg", in: shop)
        try FeedFixtures.photo("flower.jpg", as: "images/dress-back.jpg", in: shop)
        try FeedFixtures.photo("coffee.png", as: "images/shirt.png", in: shop)
        let header = "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,"
            + "Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Compare At Price,Image Src,Image Position,"
            + "Image Alt Text,Variant Image,Google Shopping / Gender,Status,Custom Column"
        let rows = [
            "\u{FEFF}" + header,
            // Lines 2-3: one row, the body holds a comma and a line break.
            #"linen-dress,"Linen dress, red","<p>Light,"#,
            #"airy</p>",Lina,Apparel & Accessories > Clothing > Dresses,Dress,"summer, linen",TRUE,Color,Red,Size,S,LD-RED-S,89.90,99.00,images/dress-back.jpg,2,Back,images/dress-front.jpg,Female,active,x"#,
            "linen-dress,,,,,,,,,Red,,M,LD-RED-M,89.90,99.00,images/dress-front.jpg,1,Front,,,,",
            "linen-dress,,,,,,,,,Blue,,S,LD-BLU-S,79.90,89.90,https://cdn.example/dress-side.jpg,3,,https://cdn.example/dress-blue.jpg,,,",
            "linen-dress,,,,,,,,,,,,,,,https://cdn.example/dress-detail.jpg,4,Detail,,,,",
            "plain-tee,Plain tee,,Basic,,T-Shirt,,TRUE,Title,Default Title,,,PT-1,15.00,,https://cdn.example/tee.jpg,1,,,,draft,",
            ",Orphan,,,,,,,,,,,,,,https://cdn.example/orphan.jpg,1,,,,,",
            "no-image,Scarf,,Lina,,Scarf,,TRUE,Title,Default Title,,,S-1,10.00,,,,,,,active,",
            "short,row",
            "untitled,,,,,,,,,,,,,,,images/shirt.png,,,,,,",
            "linen-dress,,,,,,,,,,,,,,,https://cdn.example/late.jpg,5,,,,,",
        ]
        let export = try write(rows.joined(separator: "\n") + "\n", to: "products_export_1.csv", in: shop)
        let source = try Catalog.source(for: export.path)
        XCTAssertTrue(source is ShopifyProductSource, "\(source)")
        XCTAssertEntries(try FeedFixtures.entries(source), [
            .item(SourceItem(
                id: "linen-dress", title: "Linen dress, red",
                attributes: [
                    "brand": "Lina", "product_type": "Dress", "articleType": "Dress", "tags": "summer, linen", "status": "active",
                    "item_group_id": "linen-dress", "google_product_category": "Apparel & Accessories > Clothing > Dresses",
                    "gender": "Female", "color": "Red, Blue", "size": "S, M", "price": "89.90", "sale_price": "79.90",
                ],
                image: FeedFixtures.file("images/dress-front.jpg", in: shop),
                additionalImages: [FeedFixtures.file("images/dress-back.jpg", in: shop),
                                   try FeedFixtures.remote("https://cdn.example/dress-side.jpg"),
                                   try FeedFixtures.remote("https://cdn.example/dress-detail.jpg"),
                                   try FeedFixtures.remote("https://cdn.example/dress-blue.jpg")],
                location: "products_export_1.csv line 2")),
            // Problems come out as their row is read; a product once its last row has been read.
            .problem(SourceProblem(item: "products_export_1.csv line 8", reason: "the Handle is empty")),
            .item(SourceItem(id: "plain-tee", title: "Plain tee",
                             attributes: ["brand": "Basic", "product_type": "T-Shirt", "articleType": "T-Shirt", "status": "draft",
                                          "item_group_id": "plain-tee", "price": "15.00"],
                             image: try FeedFixtures.remote("https://cdn.example/tee.jpg"),
                             location: "products_export_1.csv line 7")),
            .problem(SourceProblem(item: "products_export_1.csv line 10", reason: "expected 22 fields, found 2")),
            .problem(SourceProblem(item: "products_export_1.csv line 9 (id no-image)",
                                   reason: "there is no image (Image Src or Variant Image)")),
            .item(SourceItem(id: "untitled", title: "untitled", attributes: ["item_group_id": "untitled"],
                             image: FeedFixtures.file("images/shirt.png", in: shop),
                             location: "products_export_1.csv line 11")),
            .problem(SourceProblem(item: "products_export_1.csv line 12 (id linen-dress)",
                                   reason: "rows of this Handle also come earlier, separated by other products; "
                                       + "a product's rows must be consecutive")),
        ])
    }

    func testAnExportWithoutImageColumnIsRefused() throws {
        let shop = try makeTemporaryFolder(self)
        let export = try write("Handle,Title,Vendor\ndress,Dress,Lina\n", to: "products.csv", in: shop)
        XCTAssertThrowsError(try ShopifyProductSource(file: export).items()) { error in
            XCTAssertEqual(error as? CatalogSourceError,
                           .missingColumns(file: export.path, missing: ["Image Src"], found: ["Handle", "Title", "Vendor"]))
        }
        XCTAssertThrowsError(try Catalog.source(for: export.path, format: .shopify).items())
    }
}
