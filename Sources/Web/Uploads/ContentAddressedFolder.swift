import Catalog
import Foundation
import Service

/// A folder of images named by the SHA-256 of their bytes (`<hex>.<ext>`), never by a client's
/// file name: the same photo uploaded twice is stored once, and no name can escape the folder.
struct ContentAddressedFolder: Sendable {
    /// The folder.
    let directory: URL

    /// Creates the folder if needed; `owned` marks a new folder as Lookalike's, whose files follow their
    /// products (`OwnedImageFolder`).
    init(directory: URL, owned: Bool = false) throws {
        if owned {
            try OwnedImageFolder.prepare(directory)
        } else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        self.directory = directory
    }

    /// Where `data` is (or would be) stored, and its hash.
    func location(of data: Data) -> (url: URL, hash: String) {
        let hash = ContentHash.hex(of: data)
        let name = hash + "." + ImageFormat(sniffing: data).fileExtension
        return (directory.appendingPathComponent(name), hash)
    }

    /// Stores `data` unless an identical file is there; returns its location and whether it was written now.
    @discardableResult
    func store(_ data: Data) throws -> (url: URL, hash: String, created: Bool) {
        let (url, hash) = location(of: data)
        if FileManager.default.fileExists(atPath: url.path) { return (url, hash, false) }
        try data.write(to: url, options: .atomic)
        return (url, hash, true)
    }
}
