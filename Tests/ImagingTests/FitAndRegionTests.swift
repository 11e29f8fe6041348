import Foundation
import Imaging
import Synchronization
import TestSupport
import XCTest

/// Crop, pad and stretch fitting, crop regions, thumbnails and PNG encoding.
final class FitAndRegionTests: TimedTestCase {
    let decoder = ImageDecoder()

    /// A 64×48 PNG: left half red, right half blue.
    func twoColourPNG() throws -> EncodedImage {
        var pixels = [UInt8]()
        for _ in 0..<48 { for x in 0..<64 { pixels += x < 32 ? [255, 0, 0] : [0, 0, 255] } }
        return EncodedImage(data: try PNGEncoder.encode(pixels: pixels, width: 64, height: 48, bands: 3), name: "two.png")
    }

    func testSolidColourSurvivesExactly() throws {
        let image = try decoder.decode(Fixtures.image("solid_rgb.png"), width: 32, height: 32, fit: .crop)
        let p = image.pixel(x: 16, y: 16)
        XCTAssertEqual([p.r, p.g, p.b], [200, 100, 50])
    }

    func testPadKeepsAspectWithBackgroundBars() throws {
        let image = try decoder.decode(twoColourPNG(), width: 64, height: 64, fit: .pad, background: (0, 255, 0))
        let top = image.pixel(x: 32, y: 2), left = image.pixel(x: 2, y: 32), right = image.pixel(x: 61, y: 32)
        XCTAssertEqual([top.r, top.g, top.b], [0, 255, 0], "pad bars use the background")
        XCTAssertGreaterThan(left.r, 200)
        XCTAssertGreaterThan(right.b, 200)
    }

    func testCropCutsTheCentre() throws {
        let image = try decoder.decode(twoColourPNG(), width: 32, height: 32, fit: .crop)
        XCTAssertGreaterThan(image.pixel(x: 1, y: 16).r, 200)
        XCTAssertGreaterThan(image.pixel(x: 30, y: 16).b, 200)
        XCTAssertEqual(image.pixel(x: 16, y: 0).g, 0, "no background bars when cropping")
    }

    func testRegionSearchesOnlyThatPart() throws {
        let right = try CropRegion(left: 0.6, top: 0.1, width: 0.4, height: 0.8)
        let image = try decoder.decode(twoColourPNG(), width: 16, height: 16, fit: .stretch, region: right)
        for y in 0..<16 { for x in 0..<16 { XCTAssertGreaterThan(image.pixel(x: x, y: y).b, 200) } }
    }

    func testInvalidRegionsAreRejected() {
        XCTAssertThrowsError(try CropRegion(left: 0.5, top: 0, width: 0.8, height: 1))
        XCTAssertThrowsError(try CropRegion(left: 0, top: 0, width: 0, height: 1))
        XCTAssertThrowsError(try CropRegion(left: -0.1, top: 0, width: 0.5, height: 0.5))
        XCTAssertThrowsError(try CropRegion(left: .nan, top: 0, width: 0.5, height: 0.5))
    }

    func testThumbnailNeverExceedsItsSide() throws {
        let jpeg = try decoder.thumbnailJPEG(Fixtures.image("chelsea.png"), maxSide: 120)
        let info = try decoder.info(of: EncodedImage(data: jpeg, name: "thumb.jpg"))
        XCTAssertEqual(info.format, "jpeg")
        XCTAssertEqual(max(info.width, info.height), 120)
        let small = try decoder.thumbnailJPEG(Fixtures.image("solid_rgb.png"), maxSide: 500)
        XCTAssertEqual(try decoder.info(of: EncodedImage(data: small, name: "s.jpg")).width, 64, "never enlarged")
    }

    func testPNGEncoderRoundTripsGreyPixels() throws {
        let pixels = (0..<(28 * 28)).map { UInt8($0 % 256) }
        let png = try PNGEncoder.encode(pixels: pixels, width: 28, height: 28, bands: 1)
        let image = try decoder.decode(EncodedImage(data: png, name: "grey.png"), width: 28, height: 28, fit: .stretch)
        XCTAssertEqual(stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }, pixels)
        XCTAssertThrowsError(try PNGEncoder.encode(pixels: pixels, width: 10, height: 10, bands: 1))
    }

    func testConcurrentDecodesAgree() throws {
        let input = try Fixtures.image("chelsea.png")
        let reference = try decoder.decode(input, width: 96, height: 96)
        let decoder = self.decoder
        let agreeing = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if (try? decoder.decode(input, width: 96, height: 96)) == reference { agreeing.add(1, ordering: .relaxed) }
        }
        XCTAssertEqual(agreeing.load(ordering: .relaxed), 16)
    }
}
