import Foundation
import Imaging
import TestSupport
import XCTest

/// A strip one pixel wide or tall costs no more to fit than any photo, in every fit and with a region:
/// covering 224 × 224 with a 1 × 20,000 strip must not enlarge it to 224 × 4,480,000 first.
final class ThinImageTests: TimedTestCase {
    let decoder = ImageDecoder()

    func testTallStripIsCheapInEveryFit() throws {
        let strip = try Self.strip(width: 1, height: 20_000)
        XCTAssertLessThan(strip.data.count, 1_000, "a few hundred bytes on the wire")
        let (images, seconds) = try Self.cpuSeconds {
            try [Fit.crop, .pad, .stretch].map { try decoder.decode(strip, width: 224, height: 224, fit: $0) }
                + [try decoder.decode(strip, width: 224, height: 224, fit: .crop,
                                      region: CropRegion(left: 0, top: 0.1, width: 1, height: 0.8))]
        }
        // Unbounded, the crop fit alone took a minute of CPU; bounded, all four take milliseconds.
        XCTAssertLessThan(seconds, 3, "fitting a 1 × 20,000 strip took \(seconds) s of CPU")
        for image in images { XCTAssertEqual(image.pixels.count, 224 * 224 * 3) }
        // The crop fit keeps the strip's colour (its centre pixel), not the background.
        XCTAssertEqual(images[0].pixel(x: 112, y: 112).r, 200)
    }

    func testWideStripIsCheapToo() throws {
        let strip = try Self.strip(width: 20_000, height: 1)
        let (image, seconds) = try Self.cpuSeconds { try decoder.decode(strip, width: 224, height: 224, fit: .crop) }
        XCTAssertLessThan(seconds, 3, "fitting a 20,000 × 1 strip took \(seconds) s of CPU")
        XCTAssertEqual(image.pixel(x: 5, y: 200).g, 100)
    }

    func testOrdinaryAspectRatiosKeepTheCentreCrop() throws {
        // 3:1 stays on the shrink-on-load path; 10:1 is cut first. Both keep the centre third red.
        for width in [300, 1_000] {
            var pixels = [UInt8](repeating: 255, count: width * 100 * 3)
            for y in 0 ..< 100 { for x in width / 2 - 20 ..< width / 2 + 20 { pixels[(y * width + x) * 3 + 1] = 0; pixels[(y * width + x) * 3 + 2] = 0 } }
            let image = EncodedImage(data: try PNGEncoder.encode(pixels: pixels, width: width, height: 100, bands: 3), name: "wide.png")
            let fitted = try decoder.decode(image, width: 64, height: 64, fit: .crop)
            let centre = fitted.pixel(x: 32, y: 32)
            XCTAssertEqual(centre.r, 255, "width \(width)")
            XCTAssertLessThan(centre.g, 30, "width \(width): the centre is the red band")
        }
    }

    /// A PNG of one colour (200, 100, 50).
    static func strip(width: Int, height: Int) throws -> EncodedImage {
        let pixels = [UInt8]((0 ..< width * height).map { _ in [UInt8(200), 100, 50] }.joined())
        return EncodedImage(data: try PNGEncoder.encode(pixels: pixels, width: width, height: height, bands: 3),
                            name: "strip-\(width)x\(height).png")
    }

    /// The result of `body` and the process CPU seconds it took.
    static func cpuSeconds<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        func now() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let start = now()
        let result = try body()
        return (result, now() - start)
    }
}
