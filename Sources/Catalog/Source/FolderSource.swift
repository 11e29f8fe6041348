import Foundation

/// Every image file under a folder, recursively, in sorted order; id = relative path without extension.
///
/// Hidden files and folders (names starting with ".") are skipped, which also skips macOS `._photo.jpg`
/// resource forks. Symbolic links are followed, but a folder is never walked twice.
public struct FolderSource: CatalogSource {
    /// File extensions treated as images (compared case-insensitively).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "heic", "heif", "avif"]

    /// The folder that is walked.
    public let root: URL

    /// Creates a source for the folder `root`.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// A message written for the person who hit the error.
    public var description: String { "image folder \(root.path)" }

    /// The items, lazily, in a deterministic order; unreadable ones come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CatalogSourceError.notFound(spec: root.path)
        }
        let root = self.root
        return AnySequence { FolderWalker(root: root) }
    }
}

/// Depth-first walk that lists one folder at a time, so memory stays proportional to the deepest path.
struct FolderWalker: IteratorProtocol {
    private struct Level {
        var folder: URL
        var relative: [String]
        var names: [String]
        var index = 0
        var stems: [String: String] = [:]
    }

    private var stack: [Level] = []
    private var visited: Set<String> = []

    init(root: URL) {
        enter(root, relative: [])
    }

    mutating func next() -> SourceEntry? {
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].index < stack[top].names.count else {
                stack.removeLast()
                continue
            }
            let name = stack[top].names[stack[top].index]
            stack[top].index += 1
            let url = stack[top].folder.appendingPathComponent(name)
            let relative = stack[top].relative + [name]
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                if let problem = enter(url, relative: relative) { return .problem(problem) }
                continue
            }
            let fileExtension = url.pathExtension.lowercased()
            guard FolderSource.imageExtensions.contains(fileExtension) else { continue }
            let stem = String(name.dropLast(fileExtension.count + 1))
            let id = (stack[top].relative + [stem]).joined(separator: "/")
            if let earlier = stack[top].stems[stem] {
                return .problem(SourceProblem(item: relative.joined(separator: "/"),
                                              reason: "has the same id \"\(id)\" as \(earlier) (ids are paths without "
                                                  + "extension); rename one of them"))
            }
            stack[top].stems[stem] = relative.joined(separator: "/")
            return .item(SourceItem(id: id, title: stem, attributes: [:], image: .file(url)))
        }
        return nil
    }

    /// Pushes a folder's sorted, non-hidden entries; returns a problem if it cannot be listed.
    @discardableResult
    private mutating func enter(_ folder: URL, relative: [String]) -> SourceProblem? {
        let real = folder.resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return nil }
        do {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { !$0.hasPrefix(".") }
                .sorted()
            stack.append(Level(folder: folder, relative: relative, names: names))
            return nil
        } catch {
            let shown = relative.isEmpty ? folder.path : relative.joined(separator: "/")
            return SourceProblem(item: shown, reason: "cannot list this folder (\(error.localizedDescription))")
        }
    }
}
