import Catalog
import Foundation

/// The folder of image files Lookalike wrote itself (photos added through the API, the pixels of
/// Fashion-MNIST): its files follow their products. A file there that no product names any more is
/// deleted. Only a folder Lookalike created (it holds a `.lookalike-images` marker) is ever cleaned, and
/// only inside it: a shop's own image folders are never touched, even when named by `--images`.
public struct OwnedImageFolder: Sendable {
    /// The marker file of a folder Lookalike created.
    public static let markerName = ".lookalike-images"

    /// The folder, standardized.
    public let directory: URL

    /// The folder at `directory`.
    public init(directory: URL) {
        self.directory = directory.standardizedFileURL
    }

    /// Creates the folder, marked as Lookalike's, if it does not exist yet.
    @discardableResult
    public static func prepare(_ directory: URL) throws -> OwnedImageFolder {
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("Images written by Lookalike for its products; files no product names are deleted.\n".utf8)
                .write(to: directory.appendingPathComponent(markerName))
        }
        return OwnedImageFolder(directory: directory)
    }

    /// Whether Lookalike created this folder (and may delete files in it).
    public var isMarked: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.markerName).path)
    }

    /// Whether `path` names a file inside this folder.
    public func owns(_ path: String) -> Bool {
        let folder = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        return URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(folder)
    }

    /// Deletes those of `paths` that lie in this folder and that no product of `store` names; returns how
    /// many files were deleted.
    @discardableResult
    public func release(_ paths: [String], store: any CatalogStore) async throws -> Int {
        let candidates = Array(Set(paths.filter(owns)))
        guard !candidates.isEmpty, isMarked else { return 0 }
        let used = try await store.imagePathsInUse(candidates)
        return delete(candidates.filter { !used.contains($0) })
    }

    /// Deletes every file in this folder that no product names (left by an interrupted import or a crash
    /// between writing a file and its product); returns how many.
    @discardableResult
    public func sweep(store: any CatalogStore) async throws -> Int {
        guard isMarked, let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return 0 }
        var files: [String] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            // Dot files are Lookalike's own records (the marker, the download cache), never product images.
            if !url.lastPathComponent.hasPrefix(".") { files.append(url.standardizedFileURL.path) }
        }
        var deleted = 0
        for start in stride(from: 0, to: files.count, by: 5_000) {
            let chunk = Array(files[start ..< min(start + 5_000, files.count)])
            let used = try await store.imagePathsInUse(chunk)
            deleted += delete(chunk.filter { !used.contains($0) })
        }
        return deleted
    }

    /// Removes files, counting those that went; a file already gone is fine.
    private func delete(_ paths: [String]) -> Int {
        paths.reduce(0) { count, path in (try? FileManager.default.removeItem(atPath: path)) != nil ? count + 1 : count }
    }
}
