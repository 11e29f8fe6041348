import Foundation
import Imaging
import TestSupport
import XCTest

/// Formats outside the documented ones (JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF) never reach a libvips
/// loader: SVG (librsvg), PDF (poppler), netpbm and the like answer "not an image" from the first bytes.
final class UntrustedFormatTests: TimedTestCase {
    let decoder = ImageDecoder()

    func testSVGPDFAndNetpbmAreNotImages() throws {
        let svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>"#
        let ppm = Data("P6\n2 2\n255\n".utf8) + Data(repeating: 200, count: 12)
        let files: [(String, Data)] = [("drawing.svg", Data(svg.utf8)), ("tiny.ppm", ppm), ("page.pdf", Self.minimalPDF())]
        for (name, data) in files {
            let image = EncodedImage(data: data, name: name)
            XCTAssertThrowsError(try decoder.decode(image, width: 32, height: 32), name) { error in
                guard case ImagingError.notAnImage = error else { return XCTFail("\(name): got \(error)") }
                XCTAssertTrue("\(error)".contains("send JPEG, PNG, WebP, GIF, TIFF, HEIF or AVIF"), "\(error)")
            }
            XCTAssertThrowsError(try decoder.info(of: image), name)
            XCTAssertThrowsError(try decoder.thumbnailJPEG(image, maxSide: 64), name)
        }
    }

    func testDocumentedFormatsStillDecode() throws {
        let png = try PNGEncoder.encode(pixels: [UInt8](repeating: 90, count: 8 * 8 * 3), width: 8, height: 8, bands: 3)
        let jpeg = try decoder.thumbnailJPEG(EncodedImage(data: png, name: "square.png"), maxSide: 8)
        for (name, data) in [("square.png", png), ("square.jpg", jpeg)] {
            let image = try decoder.decode(EncodedImage(data: data, name: name), width: 4, height: 4)
            XCTAssertEqual(Int(image.pixel(x: 2, y: 2).r), 90, accuracy: 3, name)
        }
    }

    /// A one-page PDF with a filled square, as small as poppler accepts.
    static func minimalPDF() -> Data {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 64 64] /Contents 4 0 R >>",
            "<< /Length 29 >>\nstream\n1 0 0 rg 0 0 64 64 re f\nendstream",
        ]
        var text = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(text.utf8.count)
            text += "\(index + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = text.utf8.count
        text += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { text += String(format: "%010d 00000 n \n", offset) }
        text += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(text.utf8)
    }
}
