import CZlib
import Foundation

/// Reads a whole gzip file into memory with zlib (files that are not gzipped are returned as they are).
enum GzipFile {
    /// The decompressed bytes of the file at `url`.
    static func read(_ url: URL) throws -> [UInt8] {
        guard let file = gzopen(url.path, "rb") else {
            throw CatalogSourceError.unreadable(path: url.path, reason: "the file is missing or not readable")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let read = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if read < 0 {
                let reason = message(file)
                gzclose_r(file)
                throw CatalogSourceError.malformed(file: url.path, reason: "cannot decompress: \(reason)")
            }
            if read == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< Int(read)])
        }
        // gzread stops quietly at a truncated stream; gzclose_r reports it as Z_BUF_ERROR.
        let status = gzclose_r(file)
        if status == Z_BUF_ERROR {
            throw CatalogSourceError.malformed(file: url.path, reason: "the gzip data ends early (truncated download?)")
        }
        if status != Z_OK {
            throw CatalogSourceError.malformed(file: url.path, reason: "cannot decompress (zlib status \(status))")
        }
        return bytes
    }

    private static func message(_ file: gzFile) -> String {
        var code: Int32 = 0
        guard let text = gzerror(file, &code) else { return "zlib error \(code)" }
        return String(cString: text)
    }
}
