/// Why an image could not be read, worded for the person who supplied it.
public enum ImagingError: Error, CustomStringConvertible, Equatable {
    /// The file or upload has no bytes at all.
    case empty(source: String)
    /// The bytes are not in any image format libvips knows; `prefix` shows how they start.
    case notAnImage(source: String, prefix: String)
    /// The encoded bytes exceed the size limit.
    case tooManyBytes(source: String, bytes: Int, limit: Int)
    /// The header declares more pixels than the limit (a decompression bomb or an oversized photo).
    case tooManyPixels(source: String, width: Int, height: Int, limit: Int)
    /// The image is in a known format but its data is damaged or truncated.
    case corrupt(source: String, reason: String)
    /// The format is one Lookalike reads, but this file uses a variant of it libvips cannot decode (a TIFF
    /// tiled with separate planes, 12-bit samples, old-style JPEG compression…).
    case unsupportedVariant(source: String, reason: String)
    /// The file could not be read from disk.
    case unreadable(source: String, reason: String)
    /// A crop region lies outside the image or has no area.
    case invalidRegion(String)

    public var description: String {
        switch self {
        case .empty(let source):
            return "\(source) is empty (0 bytes)"
        case .notAnImage(let source, let prefix):
            return "\(source) is not an image in a format Lookalike reads (starts with '\(prefix)'): "
                + "send JPEG, PNG, WebP, GIF, TIFF, HEIF or AVIF"
        case .tooManyBytes(let source, let bytes, let limit):
            return "\(source) is too large: \(ByteCount(bytes)) (limit \(ByteCount(limit)))"
        case .tooManyPixels(let source, let width, let height, let limit):
            return "\(source) is too large: \(width)×\(height) pixels (limit \(limit / 1_000_000) megapixels)"
        case .corrupt(let source, let reason):
            return "\(source) is damaged or truncated: \(reason)"
        case .unsupportedVariant(let source, let reason):
            return "\(source) uses a variant of its format that Lookalike cannot decode (\(reason)); save it as JPEG or PNG"
        case .unreadable(let source, let reason):
            return "cannot read \(source): \(reason)"
        case .invalidRegion(let reason):
            return "invalid crop region: \(reason)"
        }
    }
}

/// A byte count printed the way people read it (e.g. "20.0 MB").
struct ByteCount: CustomStringConvertible {
    let bytes: Int
    init(_ bytes: Int) { self.bytes = bytes }
    var description: String {
        if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        if bytes >= 1_000 { return String(format: "%.1f kB", Double(bytes) / 1_000) }
        return "\(bytes) bytes"
    }
}

import Foundation
