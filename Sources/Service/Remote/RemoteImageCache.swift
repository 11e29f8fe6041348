import Catalog
import Foundation
import Synchronization

/// What an import remembers of the images it downloaded, kept in the image folder beside the copies
/// (`.remote-images.json`): per URL, the server's validators (`ETag`, `Last-Modified`) and the local copy.
/// A re-import asks the server with them and downloads nothing for an image that did not change. It is a
/// cache: lost or damaged, it costs one full download, never a wrong image (copies are named by content hash).
final class RemoteImageCache: Sendable {
    /// One downloaded image.
    struct Entry: Codable, Sendable, Equatable {
        var etag: String?
        var lastModified: String?
        /// SHA-256 of the bytes, also the copy's file name without its extension.
        var contentHash: String
        /// The copy's file name in the folder.
        var file: String
    }

    /// The cache's file name in the image folder.
    static let fileName = ".remote-images.json"

    let folder: URL
    private let entries: Mutex<[String: Entry]>
    private let dirty = Atomic(false)

    /// Loads the cache of `folder` (an empty one when there is none or it cannot be read).
    init(folder: URL) {
        self.folder = folder
        let file = folder.appendingPathComponent(Self.fileName)
        let loaded = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: Entry].self, from: $0) }
        entries = Mutex(loaded ?? [:])
    }

    /// The entry for `url`, if its copy is still in the folder.
    func entry(for url: URL) -> Entry? {
        guard let entry = entries.withLock({ $0[url.absoluteString] }) else { return nil }
        return FileManager.default.fileExists(atPath: path(of: entry).path) ? entry : nil
    }

    /// Remembers what `url` gave.
    func remember(_ entry: Entry, for url: URL) {
        entries.withLock { $0[url.absoluteString] = entry }
        dirty.store(true, ordering: .releasing)
    }

    /// The local copy of an entry.
    func path(of entry: Entry) -> URL { folder.appendingPathComponent(entry.file) }

    /// Writes the cache (atomically) when it changed since the last write.
    func save() throws {
        guard dirty.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let snapshot = entries.withLock { $0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(snapshot).write(to: folder.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
