import Imaging
import TestSupport
import XCTest

/// In-memory resampling and mirroring of decoded pixels (used by query cleanup).
final class ResampleTests: TimedTestCase {
    /// A width × height image whose red channel is x × 10 and green channel y × 10.
    private func ramp(_ width: Int, _ height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x * 10), UInt8(y * 10), 7] } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    func testMirroringSwapsColumnsAndTwiceIsIdentity() {
        let image = ramp(5, 3)
        let mirrored = image.mirrored()
        XCTAssertEqual(mirrored.pixel(x: 0, y: 2).r, 40)
        XCTAssertEqual(mirrored.pixel(x: 4, y: 2).r, 0)
        XCTAssertEqual(mirrored.pixel(x: 1, y: 1).g, 10)
        XCTAssertEqual(mirrored.mirrored(), image)
    }

    func testResamplingCopiesScalesAndPadsOutsideTheImage() {
        let image = ramp(8, 8)
        // The whole image at its own size is a copy.
        XCTAssertEqual(image.resampled(rect: (0, 0, 8, 8), width: 8, height: 8), image)
        // Halving averages 2 × 2 blocks: column pair (0, 1) → red (0 + 10) / 2.
        let half = image.resampled(rect: (0, 0, 8, 8), width: 4, height: 4)
        XCTAssertEqual(half.pixel(x: 0, y: 0).r, 5)
        XCTAssertEqual(half.pixel(x: 3, y: 3).g, 65)
        // A rect reaching past the left edge is background there and image beyond.
        let shifted = image.resampled(rect: (-4, 0, 8, 8), width: 8, height: 8, background: (200, 201, 202))
        XCTAssertEqual(shifted.pixel(x: 0, y: 0).r, 200)
        XCTAssertEqual(shifted.pixel(x: 3, y: 5).b, 202)
        XCTAssertEqual(shifted.pixel(x: 4, y: 5).r, 0)
        XCTAssertEqual(shifted.pixel(x: 7, y: 5).r, 30)
    }
}
