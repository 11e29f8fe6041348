import Foundation
import VipsShim

/// Decodes any image a person might upload into upright 8-bit sRGB pixels of a fixed size.
///
/// JPEG, PNG, WebP, GIF (first frame), TIFF and HEIF/AVIF; EXIF orientation applied; alpha
/// flattened onto a background; CMYK, greyscale and 16-bit converted to 8-bit sRGB;
/// shrink-on-load resizing. Limits are checked on the header, before any pixel is decoded.
/// Safe to use from many threads at once.
public struct ImageDecoder: Sendable {
    /// The caps on bytes and pixels.
    public var limits: ImageLimits

    /// Creates a decoder with the given limits.
    public init(limits: ImageLimits = .standard) {
        self.limits = limits
    }

    /// Reads the header only.
    public func info(of image: EncodedImage) throws -> ImageInfo {
        try precheck(image)
        var raw = lk_image_info()
        let code = image.data.withUnsafeBytes { lk_vips_probe($0.baseAddress, $0.count, &raw) }
        try Vips.check(code, image: image, info: raw, limits: limits)
        return ImageInfo(raw)
    }

    /// Decodes and fits the image (or `region` of it) into exactly `width` × `height` pixels.
    public func decode(_ image: EncodedImage, width: Int, height: Int, fit: Fit = .crop,
                       background: (UInt8, UInt8, UInt8) = (255, 255, 255), region: CropRegion? = nil) throws -> RGBImage {
        try precheck(image)
        guard width > 0, height > 0, width <= 8192, height <= 8192 else {
            throw ImagingError.invalidRegion("output size \(width)×\(height) is out of range")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var raw = lk_image_info()
        let bg = [Double(background.0), Double(background.1), Double(background.2)]
        let mode: lk_fit = switch fit { case .crop: LK_FIT_CROP; case .pad: LK_FIT_PAD; case .stretch: LK_FIT_STRETCH }
        var box = region.map { lk_region(left: $0.left, top: $0.top, width: $0.width, height: $0.height) } ?? lk_region()
        let code = image.data.withUnsafeBytes { bytes in
            pixels.withUnsafeMutableBufferPointer { out in
                withUnsafeMutablePointer(to: &box) { boxPointer in
                    lk_vips_prepare(bytes.baseAddress, bytes.count, Int32(width), Int32(height), mode, bg,
                                    region == nil ? nil : boxPointer, Double(limits.maxPixels), &raw, out.baseAddress)
                }
            }
        }
        try Vips.check(code, image: image, info: raw, limits: limits)
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A JPEG whose longest side is at most `maxSide` (never enlarged), for result thumbnails.
    public func thumbnailJPEG(_ image: EncodedImage, maxSide: Int, quality: Int = 82) throws -> Data {
        try precheck(image)
        var out: UnsafeMutableRawPointer?
        var length = 0
        let bg: [Double] = [255, 255, 255]
        let code = image.data.withUnsafeBytes {
            lk_vips_thumbnail_jpeg($0.baseAddress, $0.count, Int32(maxSide), Int32(quality), bg,
                                   Double(limits.maxPixels), &out, &length)
        }
        try Vips.check(code, image: image, info: nil, limits: limits)
        guard let out else { throw ImagingError.corrupt(source: image.name, reason: "no thumbnail produced") }
        defer { lk_vips_free(out) }
        return Data(bytes: out, count: length)
    }

    /// Checks what can be checked without libvips: emptiness and byte size.
    private func precheck(_ image: EncodedImage) throws {
        precondition(Vips.started, "libvips failed to start")
        if image.data.isEmpty { throw ImagingError.empty(source: image.name) }
        if image.data.count > limits.maxBytes {
            throw ImagingError.tooManyBytes(source: image.name, bytes: image.data.count, limit: limits.maxBytes)
        }
    }
}
