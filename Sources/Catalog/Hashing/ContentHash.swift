import Foundation

/// SHA-256 hex digests of image content, used to skip unchanged items on re-import.
public enum ContentHash {
    /// The lowercase hex SHA-256 of `bytes`.
    public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    /// The lowercase hex SHA-256 of a file's bytes, read in 1 MiB chunks.
    public static func hex(ofFile url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ContentHashError.unreadable(path: url.path)
        }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(chunk)
            }
        } catch {
            throw ContentHashError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Why a file could not be hashed.
public enum ContentHashError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist or cannot be opened.
    case unreadable(path: String)
    /// Reading stopped part-way.
    case readFailed(path: String, reason: String)

    /// A message written for the person who hit the error.
    public var description: String {
        switch self {
        case let .unreadable(path): return "cannot open \(path) to compute its content hash (missing or not readable)"
        case let .readFailed(path, reason): return "reading \(path) failed while computing its content hash: \(reason)"
        }
    }
}
