import Foundation

/// Encoded image bytes (JPEG, PNG, WebP, …) and a name for messages about them.
public struct EncodedImage: Sendable {
    /// The bytes as they came from the file or upload.
    public let data: Data
    /// The file path or upload name used in error messages.
    public let name: String

    /// Wraps bytes already in memory.
    public init(data: Data, name: String) {
        self.data = data
        self.name = name
    }

    /// Reads a file, refusing it before reading if it exceeds `limits.maxBytes`.
    public init(contentsOf url: URL, limits: ImageLimits = .standard) throws {
        let name = url.path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw ImagingError.unreadable(source: name, reason: FileManager.default.fileExists(atPath: url.path)
                ? "permission denied or not a regular file" : "no such file")
        }
        if (attributes[.type] as? FileAttributeType) == .typeDirectory {
            throw ImagingError.unreadable(source: name, reason: "it is a directory")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size > limits.maxBytes {
            throw ImagingError.tooManyBytes(source: name, bytes: size, limit: limits.maxBytes)
        }
        do {
            self.data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ImagingError.unreadable(source: name, reason: error.localizedDescription)
        }
        self.name = name
    }

    /// The first bytes, printable characters kept and others escaped, for "not an image" messages.
    var printablePrefix: String {
        let head = data.prefix(16)
        var text = ""
        for byte in head {
            if byte >= 0x20 && byte < 0x7F { text.append(Character(UnicodeScalar(byte))) }
            else if byte == 0x0A { text += "\\n" }
            else { text += String(format: "\\x%02X", byte) }
        }
        return text
    }
}
