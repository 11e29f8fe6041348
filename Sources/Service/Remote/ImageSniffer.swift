import Foundation

/// Tells an image format from a file's first bytes, never from what a server's `Content-Type` claims.
enum ImageSniffer {
    /// The file extension of the formats Lookalike reads (`jpg`, `png`, `gif`, `webp`, `tif`, `heic`, `avif`), or nil.
    static func fileExtension(of bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset ..< offset + prefix.count]) == prefix
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "jpg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "webp" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "tif" }
        if starts(Array("ftyp".utf8), at: 4), head.count >= 12 {
            let brand = String(decoding: head[8 ..< 12], as: UTF8.self)
            if ["avif", "avis"].contains(brand) { return "avif" }
            if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains(brand) { return "heic" }
        }
        return nil
    }

    /// The first bytes as printable text, for messages ("<!DOCTYPE html>…").
    static func printablePrefix(of bytes: some Collection<UInt8>) -> String {
        String(bytes.prefix(24).map { (32 ..< 127).contains($0) ? Character(UnicodeScalar($0)) : "." })
    }
}
