import Foundation
import Imaging
import TestSupport
import XCTest

/// Every format a shopper may upload decodes to the same upright sRGB pixels.
final class DecodeFormatsTests: TimedTestCase {
    let decoder = ImageDecoder()

    func decode(_ name: String, fit: Fit = .crop) throws -> RGBImage {
        try decoder.decode(Fixtures.image(name), width: 224, height: 224, fit: fit)
    }

    func testPNGReferenceIsTheCat() throws {
        let image = try decode("chelsea.png")
        XCTAssertEqual(image.width, 224)
        XCTAssertEqual(image.height, 224)
        let info = try decoder.info(of: Fixtures.image("chelsea.png"))
        XCTAssertEqual(info.format, "png")
        XCTAssertEqual(info.width, 451)
        XCTAssertEqual(info.height, 300)
    }

    func testLossyAndPaletteFormatsMatchThePNG() throws {
        let reference = try decode("chelsea.png")
        for (name, format, tolerance) in [("chelsea.webp", "webp", 6.0), ("chelsea.tiff", "tiff", 1.0), ("chelsea.gif", "gif", 12.0)] {
            let info = try decoder.info(of: Fixtures.image(name))
            XCTAssertEqual(info.format, format, name)
            let difference = meanAbsoluteDifference(reference, try decode(name))
            XCTAssertLessThan(difference, tolerance, "\(name) differs from chelsea.png by \(difference)")
        }
    }

    func testAnimatedGIFUsesTheFirstFrame() throws {
        let info = try decoder.info(of: Fixtures.image("chelsea.gif"))
        XCTAssertGreaterThan(info.pages, 1, "the fixture should be animated")
        XCTAssertLessThan(meanAbsoluteDifference(try decode("chelsea.png"), try decode("chelsea.gif")), 12)
    }

    func testHEIFOrAVIFDecodes() throws {
        let name = Fixtures.exists("chelsea.heic") ? "chelsea.heic" : "chelsea.avif"
        let info = try decoder.info(of: Fixtures.image(name))
        XCTAssertEqual(info.format, "heif")
        XCTAssertLessThan(meanAbsoluteDifference(try decode("chelsea.png"), try decode(name)), 8)
    }

    func testEXIFOrientationIsApplied() throws {
        let upright = try decode("chelsea_upright.jpg")
        for orientation in [3, 6, 8] {
            let name = "chelsea_rot\(orientation).jpg"
            let info = try decoder.info(of: Fixtures.image(name))
            XCTAssertEqual(info.orientation, orientation, name)
            let difference = meanAbsoluteDifference(upright, try decode(name))
            XCTAssertLessThan(difference, 4, "\(name) is not shown upright (difference \(difference))")
        }
    }

    func testSixteenBitPNGBecomesEightBit() throws {
        let info = try decoder.info(of: Fixtures.image("chelsea_16bit.png"))
        XCTAssertEqual(info.bitsPerSample, 16)
        XCTAssertLessThan(meanAbsoluteDifference(try decode("chelsea.png"), try decode("chelsea_16bit.png")), 2)
    }

    func testGreyscaleGivesEqualChannels() throws {
        let image = try decode("chelsea_grey.png")
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            XCTAssertEqual(image.pixels[i], image.pixels[i + 1])
            XCTAssertEqual(image.pixels[i], image.pixels[i + 2])
        }
    }

    func testCMYKJPEGBecomesColourRGB() throws {
        let info = try decoder.info(of: Fixtures.image("chelsea_cmyk.jpg"))
        XCTAssertEqual(info.interpretation, "cmyk")
        let image = try decode("chelsea_cmyk.jpg")
        let difference = meanAbsoluteDifference(try decode("chelsea.png"), image)
        XCTAssertLessThan(difference, 40, "CMYK conversion is far off (\(difference))")
        let channelSpread = stride(from: 0, to: image.pixels.count, by: 3).reduce(0) {
            $0 + abs(Int(image.pixels[$1]) - Int(image.pixels[$1 + 2]))
        }
        XCTAssertGreaterThan(channelSpread, image.width * image.height * 5, "CMYK came out grey")
    }

    func testAlphaIsFlattenedOntoWhite() throws {
        let image = try decoder.decode(Fixtures.image("chelsea_rgba.png"), width: 224, height: 224, fit: .stretch)
        let corner = image.pixel(x: 0, y: 0)
        XCTAssertEqual(corner.r, 255)
        XCTAssertEqual(corner.g, 255)
        XCTAssertEqual(corner.b, 255)
        let centre = image.pixel(x: 112, y: 112)
        XCTAssertFalse(centre.r == 255 && centre.g == 255 && centre.b == 255, "the opaque centre should keep the cat")
    }
}
