import Foundation
import Imaging
import TestSupport
import XCTest

/// A valid file in a documented format that libvips has no decoder for is "not supported", never "damaged".
final class UnsupportedVariantTests: TimedTestCase {
    func testTiledTIFFWithSeparatePlanesIsAnUnsupportedVariant() throws {
        let image = EncodedImage(data: Self.tiledPlanarTIFF(), name: "planar.tif")
        XCTAssertThrowsError(try ImageDecoder().decode(image, width: 8, height: 8)) { error in
            guard case ImagingError.unsupportedVariant(_, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.contains("not supported"), reason)
            XCTAssertTrue("\(error)".contains("cannot decode") && "\(error)".contains("save it as JPEG or PNG"), "\(error)")
        }
        // A damaged file of the same format stays damaged.
        let cut = EncodedImage(data: Self.tiledPlanarTIFF().prefix(140), name: "cut.tif")
        XCTAssertThrowsError(try ImageDecoder().decode(cut, width: 8, height: 8)) { error in
            if case ImagingError.unsupportedVariant = error { XCTFail("a cut file is not a variant: \(error)") }
        }
    }

    /// A 16×16 RGB TIFF, 8 bits per sample, one 16×16 tile per colour plane (PlanarConfiguration 2),
    /// uncompressed: valid, and read by libtiff itself, but not by libvips' TIFF loader.
    static func tiledPlanarTIFF() -> Data {
        var data = Data()
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        // (tag, type: 3 = SHORT, 4 = LONG, count, value or nil for "at an offset")
        let tags: [(Int, Int, Int, Int?)] = [(256, 3, 1, 16), (257, 3, 1, 16), (258, 3, 3, nil), (259, 3, 1, 1), (262, 3, 1, 2),
                                             (277, 3, 1, 3), (284, 3, 1, 2), (322, 3, 1, 16), (323, 3, 1, 16),
                                             (324, 4, 3, nil), (325, 4, 3, nil)]
        let bitsAt = 8 + 2 + tags.count * 12 + 4, offsetsAt = bitsAt + 8, countsAt = offsetsAt + 12, pixelsAt = countsAt + 12
        data.append(contentsOf: Array("II*\0".utf8))
        u32(8)
        u16(tags.count)
        for (tag, type, count, value) in tags {
            u16(tag); u16(type); u32(count)
            switch tag {
            case 258: u32(bitsAt)
            case 324: u32(offsetsAt)
            case 325: u32(countsAt)
            default: if type == 3 { u16(value ?? 0); u16(0) } else { u32(value ?? 0) }
            }
        }
        u32(0)
        u16(8); u16(8); u16(8); u16(0)
        u32(pixelsAt); u32(pixelsAt + 256); u32(pixelsAt + 512)
        u32(256); u32(256); u32(256)
        for level in [200, 100, 50] { data.append(contentsOf: [UInt8](repeating: UInt8(level), count: 256)) }
        return data
    }
}
