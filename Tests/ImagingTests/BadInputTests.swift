import Foundation
import Imaging
import TestSupport
import XCTest

/// Damaged, empty, fake and hostile input gives typed errors, never a crash or a hang.
final class BadInputTests: TimedTestCase {
    let decoder = ImageDecoder()

    func testTruncatedJPEGIsCorrupt() throws {
        XCTAssertThrowsError(try decoder.decode(Fixtures.image("truncated.jpg"), width: 64, height: 64)) { error in
            guard case ImagingError.corrupt(let source, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(source.hasSuffix("truncated.jpg"))
        }
    }

    /// libvips keeps one error buffer for the whole process: the warnings of an image that decodes must not
    /// become the reason the next failing image is refused with.
    func testWarningsOfADecodedImageAreNotTheNextFailuresReason() throws {
        var jpeg = try Fixtures.image("chelsea_upright.jpg").data
        // One stray byte after the APP0 segment: libjpeg warns "1 extraneous bytes before marker 0xdb" and decodes on.
        let app0End = jpeg.startIndex + 4 + (Int(jpeg[jpeg.startIndex + 4]) << 8 | Int(jpeg[jpeg.startIndex + 5]))
        jpeg.insert(0x00, at: app0End)
        XCTAssertNoThrow(try decoder.decode(EncodedImage(data: jpeg, name: "stray-byte.jpg"), width: 64, height: 64))
        XCTAssertThrowsError(try decoder.decode(Fixtures.image("truncated.jpg"), width: 64, height: 64)) { error in
            guard case ImagingError.corrupt(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertFalse(reason.contains("extraneous"), "the reason is the stray-byte JPEG's warning: \(reason)")
        }
    }

    func testZeroByteFileIsEmpty() throws {
        XCTAssertThrowsError(try decoder.decode(Fixtures.image("empty.jpg"), width: 64, height: 64)) { error in
            guard case ImagingError.empty = error else { return XCTFail("got \(error)") }
            XCTAssertTrue("\(error)".contains("is empty"))
        }
    }

    func testTextFileNamedJPGIsNotAnImage() throws {
        XCTAssertThrowsError(try decoder.decode(Fixtures.image("not_an_image.jpg"), width: 64, height: 64)) { error in
            guard case ImagingError.notAnImage(_, let prefix) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(prefix.lowercased().hasPrefix("<"), "prefix shows the text: \(prefix)")
            XCTAssertTrue("\(error)".contains("is not an image in a format Lookalike reads (starts with '<"), "\(error)")
        }
    }

    func testDecompressionBombIsRejectedFromTheHeader() throws {
        let bomb = try Fixtures.image("bomb.png")
        XCTAssertLessThan(bomb.data.count, 5_000_000, "the fixture must be small on disk")
        let before = peakRSSKilobytes()
        XCTAssertThrowsError(try decoder.decode(bomb, width: 224, height: 224)) { error in
            guard case ImagingError.tooManyPixels(_, let width, let height, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(width, 30000)
            XCTAssertEqual(height, 30000)
        }
        // 900 megapixels would need ≥ 900 MB decoded; refusing from the header costs next to nothing.
        XCTAssertLessThan(peakRSSKilobytes() - before, 100_000)
    }

    func testOversizedBytesAreRefusedBeforeReading() throws {
        let url = Fixtures.photos.appendingPathComponent("chelsea.png")
        XCTAssertThrowsError(try EncodedImage(contentsOf: url, limits: ImageLimits(maxBytes: 1000))) { error in
            guard case ImagingError.tooManyBytes = error else { return XCTFail("got \(error)") }
        }
    }

    func testMissingFileAndDirectoryAreUnreadable() {
        XCTAssertThrowsError(try EncodedImage(contentsOf: URL(fileURLWithPath: "/nonexistent/photo.jpg"))) { error in
            XCTAssertEqual("\(error)", "cannot read /nonexistent/photo.jpg: no such file")
        }
        XCTAssertThrowsError(try EncodedImage(contentsOf: URL(fileURLWithPath: "/tmp"))) { error in
            guard case ImagingError.unreadable = error else { return XCTFail("got \(error)") }
        }
    }

    func testRandomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 3, 17, 512, 4096] {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            XCTAssertThrowsError(try decoder.decode(EncodedImage(data: data, name: "random"), width: 32, height: 32))
        }
    }

    func testCorruptedPNGBodyIsCorrupt() throws {
        var data = try Fixtures.image("chelsea.png").data
        let start = data.count / 3
        for i in start..<(start + 2000) { data[i] ^= 0x5A }
        XCTAssertThrowsError(try decoder.decode(EncodedImage(data: data, name: "mangled.png"), width: 64, height: 64)) { error in
            guard case ImagingError.corrupt = error else { return XCTFail("got \(error)") }
        }
    }

    private func peakRSSKilobytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
