import Catalog
import Foundation
import TestSupport
import XCTest

final class SourceSpecTests: TimedTestCase {
    func testSpecsPickTheRightSource() throws {
        let root = try makeTemporaryFolder(self)
        try write("id,productDisplayName\n", to: "kaggle/styles.csv", in: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("kaggle/images"), withIntermediateDirectories: true)
        try write(Data([0]), to: "photos/a.jpg", in: root)
        let manifest = try write("{}", to: "list.jsonl", in: root)
        let image = try write(Data([0]), to: "single.jpg", in: root)
        let other = try write("x", to: "notes.txt", in: root)

        XCTAssertTrue(try Catalog.source(for: root.appendingPathComponent("kaggle").path) is KaggleFashionSource)
        XCTAssertTrue(try Catalog.source(for: root.appendingPathComponent("photos").path) is FolderSource)
        XCTAssertTrue(try Catalog.source(for: manifest.path) is ManifestSource)
        XCTAssertEqual((try Catalog.source(for: "fashion-mnist:train") as? FashionMNISTSource)?.split, .train)
        XCTAssertEqual((try Catalog.source(for: "fashion-mnist") as? FashionMNISTSource)?.split, .all)

        XCTAssertThrowsError(try Catalog.source(for: "fashion-mnist:validation")) { error in
            XCTAssertTrue("\(error)".contains("unknown Fashion-MNIST split \"validation\""), "\(error)")
        }
        XCTAssertThrowsError(try Catalog.source(for: root.appendingPathComponent("missing").path)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        XCTAssertThrowsError(try Catalog.source(for: image.path)) { error in
            XCTAssertTrue("\(error)".contains("single image"), "\(error)")
        }
        XCTAssertThrowsError(try Catalog.source(for: other.path)) { error in
            XCTAssertTrue("\(error)".contains(".txt"), "\(error)")
        }
    }

    func testFeedsAreDetectedByContentAndFormatsCanBeForced() throws {
        let root = try makeTemporaryFolder(self)
        let shopify = try write("Handle,Title,Image Src\ndress,Dress,https://cdn.example/d.jpg\n", to: "export.txt", in: root)
        let woo = try write("ID,Name,Images\n1,Tee,https://cdn.example/t.jpg\n", to: "export.csv", in: root)
        let tsv = try write("id\ttitle\timage_link\n1\tTee\thttps://cdn.example/t.jpg\n", to: "feed.tsv", in: root)
        let rss = try write("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>\n", to: "feed", in: root)
        let manifest = try write("id,image\n1,a.jpg\n", to: "list.csv", in: root)
        try write(Data([0]), to: "photos/a.jpg", in: root)
        let photos = root.appendingPathComponent("photos").path

        XCTAssertTrue(try Catalog.source(for: shopify.path) is ShopifyProductSource, "by its header, whatever the extension")
        XCTAssertTrue(try Catalog.source(for: woo.path) is WooCommerceProductSource)
        XCTAssertEqual((try Catalog.source(for: tsv.path) as? MerchantFeedSource)?.syntax, .tsv)
        XCTAssertEqual((try Catalog.source(for: rss.path) as? MerchantFeedSource)?.syntax, .xml)
        XCTAssertTrue(try Catalog.source(for: manifest.path) is ManifestSource)

        XCTAssertTrue(try Catalog.source(for: shopify.path, format: .woocommerce) is WooCommerceProductSource)
        XCTAssertEqual((try Catalog.source(for: woo.path, format: .merchant) as? MerchantFeedSource)?.syntax, .csv)
        XCTAssertEqual((try Catalog.source(for: rss.path, format: .merchant) as? MerchantFeedSource)?.syntax, .xml)
        XCTAssertTrue(try Catalog.source(for: photos, format: .kaggle) is KaggleFashionSource)
        XCTAssertTrue(try Catalog.source(for: photos, format: .folder) is FolderSource)
        XCTAssertThrowsError(try Catalog.source(for: woo.path, format: .folder)) { error in
            XCTAssertTrue("\(error)".contains("--format folder reads a folder, and this is a file"), "\(error)")
        }
        XCTAssertThrowsError(try Catalog.source(for: photos, format: .merchant)) { error in
            XCTAssertTrue("\(error)".contains("--format merchant reads a file, and this is a folder"), "\(error)")
        }
        XCTAssertThrowsError(try Catalog.source(for: "fashion-mnist:test", format: .manifest)) { error in
            XCTAssertTrue("\(error)".contains("Fashion-MNIST has no --format"), "\(error)")
        }
    }

    func testPixelContentHashDependsOnShapeAndPixels() throws {
        let a = ImageReference.grayscalePixels(width: 2, height: 2, pixels: [1, 2, 3, 4])
        let b = ImageReference.grayscalePixels(width: 4, height: 1, pixels: [1, 2, 3, 4])
        let c = ImageReference.grayscalePixels(width: 2, height: 2, pixels: [1, 2, 3, 5])
        XCTAssertEqual(try a.contentHash().count, 64)
        XCTAssertNotEqual(try a.contentHash(), try b.contentHash())
        XCTAssertNotEqual(try a.contentHash(), try c.contentHash())
        XCTAssertEqual(try a.contentHash(), try ImageReference.grayscalePixels(width: 2, height: 2, pixels: [1, 2, 3, 4]).contentHash())
    }
}
