import Foundation

/// Recognises an image format from its first bytes, for file extensions and Content-Type headers.
enum ImageFormat: String, Sendable {
    case jpeg, png, webp, gif, tiff, heic, avif, unknown

    /// The format the bytes start with.
    init(sniffing data: Data) {
        let head = [UInt8](data.prefix(16))
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset ..< offset + bytes.count]) == bytes
        }
        if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts([0x89, 0x50, 0x4E, 0x47]) { self = .png }
        else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { self = .webp }
        else if starts(Array("GIF8".utf8)) { self = .gif }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { self = .tiff }
        else if starts(Array("ftypavif".utf8), at: 4) || starts(Array("ftypavis".utf8), at: 4) { self = .avif }
        else if starts(Array("ftyp".utf8), at: 4) { self = .heic }
        else { self = .unknown }
    }

    /// File extension without the dot.
    var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .unknown: return "bin"
        default: return rawValue
        }
    }

    /// The MIME type.
    var mimeType: String {
        switch self {
        case .unknown: return "application/octet-stream"
        default: return "image/\(rawValue)"
        }
    }
}
