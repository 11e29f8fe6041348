import Foundation
import VipsShim

/// Encodes raw 8-bit pixels as PNG (used to store dataset items such as Fashion-MNIST as files).
public enum PNGEncoder {
    /// Encodes `pixels` (1 = grey, 3 = RGB, 4 = RGBA bands, row by row).
    public static func encode(pixels: [UInt8], width: Int, height: Int, bands: Int) throws -> Data {
        precondition(Vips.started, "libvips failed to start")
        guard [1, 3, 4].contains(bands), width > 0, height > 0, pixels.count == width * height * bands else {
            throw ImagingError.corrupt(source: "pixel buffer", reason: "\(pixels.count) bytes do not make a \(width)×\(height)×\(bands) image")
        }
        var out: UnsafeMutableRawPointer?
        var length = 0
        let code = pixels.withUnsafeBufferPointer {
            lk_vips_encode_png($0.baseAddress, Int32(width), Int32(height), Int32(bands), &out, &length)
        }
        guard code == 0, let out else { throw ImagingError.corrupt(source: "pixel buffer", reason: Vips.lastError()) }
        defer { lk_vips_free(out) }
        return Data(bytes: out, count: length)
    }
}
