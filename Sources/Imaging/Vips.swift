import Foundation
import VipsShim

/// libvips process state: started once, errors read back as text.
enum Vips {
    /// Starts libvips the first time any image is touched. Each pipeline runs on one thread:
    /// callers parallelise across images, which scales better than splitting one small image.
    static let started: Bool = lk_vips_init(1) == 0

    /// The latest libvips error message, cleaned up for people.
    static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        lk_vips_last_error(&buffer, buffer.count)
        let text = String(cString: buffer)
        // libvips prefixes each line with its class name ("VipsJpeg: "); keep the first useful line.
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.first ?? unexplainedFailure
    }

    /// The reason given when a decode fails and libvips' error buffer is empty: another thread's successful
    /// decode can clear the one buffer the process has between this failure and its reading.
    static let unexplainedFailure = "the image data is damaged or incomplete"

    /// Turns a shim result code into the matching typed error.
    static func check(_ code: Int32, image: EncodedImage, info: lk_image_info?, limits: ImageLimits) throws {
        switch code {
        case 0:
            // A decode that succeeds can still leave warnings in libvips' error buffer, which is one for the
            // whole process (a JPEG's "Corrupt JPEG data: 1 extraneous bytes before marker"): dropping them
            // keeps the next image that fails, whoever sent it, from being refused with this one's reason.
            _ = lastError()
        case Int32(LK_VIPS_NOT_AN_IMAGE):
            _ = lastError()
            throw ImagingError.notAnImage(source: image.name, prefix: image.printablePrefix)
        case Int32(LK_VIPS_TOO_MANY_PIXELS):
            throw ImagingError.tooManyPixels(source: image.name, width: Int(info?.width ?? 0),
                                             height: Int(info?.height ?? 0), limit: limits.maxPixels)
        default:
            let reason = lastError()
            // libvips' own words for a valid file it has no decoder for ("tiled separate planes not supported").
            if reason.localizedCaseInsensitiveContains("not supported") || reason.localizedCaseInsensitiveContains("unsupported") {
                throw ImagingError.unsupportedVariant(source: image.name, reason: reason)
            }
            throw ImagingError.corrupt(source: image.name, reason: reason)
        }
    }
}

extension ImageInfo {
    /// Copies the shim's header struct.
    init(_ raw: lk_image_info) {
        let loader = ImageInfo.string(fromCArray: raw.loader)
        let kind = ImageInfo.string(fromCArray: raw.interpretation)
        self.init(width: Int(raw.width), height: Int(raw.height), bands: Int(raw.bands), pages: Int(raw.pages),
                  bitsPerSample: Int(raw.bits_per_sample), orientation: Int(raw.orientation),
                  format: ImageInfo.formatName(loader: loader), interpretation: kind)
    }

    /// libvips' loader class ("VipsForeignLoadJpegBuffer", "VipsForeignLoadNsgifBuffer") → "jpeg", "gif".
    static func formatName(loader: String) -> String {
        var name = loader
        if name.hasPrefix("VipsForeignLoad") { name.removeFirst("VipsForeignLoad".count) }
        for suffix in ["Buffer", "Source", "File"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        name = name.lowercased()
        return name == "nsgif" ? "gif" : name
    }

    /// A NUL-terminated C char array (imported as a tuple) as a String.
    static func string<T>(fromCArray array: T) -> String {
        withUnsafeBytes(of: array) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
