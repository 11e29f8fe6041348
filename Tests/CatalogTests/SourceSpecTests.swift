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
