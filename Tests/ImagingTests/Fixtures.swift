import Foundation
import Imaging
import XCTest

/// Paths of the files scripts/setup.sh prepares under testdata/.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let images = root.appendingPathComponent("testdata/images")
    static let photos = root.appendingPathComponent("testdata/photos")

    /// A fixture image, failing the test with a hint when setup has not made it.
    static func image(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> EncodedImage {
        for folder in [images, photos] {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return try EncodedImage(contentsOf: url) }
        }
        XCTFail("fixture \(name) missing: run `make setup`", file: file, line: line)
        throw XCTSkip("fixture missing")
    }

    static func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: images.appendingPathComponent(name).path)
    }
}

/// Mean absolute difference of two same-sized images, per channel value.
func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    precondition(a.pixels.count == b.pixels.count)
    var total = 0
    for i in 0..<a.pixels.count { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
    return Double(total) / Double(a.pixels.count)
}
