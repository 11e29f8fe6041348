import Catalog
import Foundation

/// The page's own files (Public/: app.js, app.css, icons, openapi.json), loaded from the bundle
/// once at start and served from memory with content-hash ETags — no CDN, works offline.
struct StaticAssets: Sendable {
    /// One file.
    struct Asset: Sendable {
        /// The bytes.
        let data: Data
        /// MIME type.
        let contentType: String
        /// A short content hash, used as ETag and as the `?v=` cache buster in links.
        let version: String
    }

    /// File name → file.
    let files: [String: Asset]

    /// Loads every file in the bundle's Public folder.
    static func load() throws -> StaticAssets {
        guard let folder = Bundle.module.url(forResource: "Public", withExtension: nil) else {
            throw APIError(.internalServerError, "assets_missing", "the web assets (Public/) are missing from the program's bundle")
        }
        var files: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files[name] = Asset(data: data, contentType: contentType(of: name),
                                version: String(ContentHash.hex(of: data).prefix(12)))
        }
        return StaticAssets(files: files)
    }

    /// `/assets/<name>?v=<version>`: a URL that changes whenever the file does.
    func url(_ name: String) -> String {
        "/assets/\(name)" + (files[name].map { "?v=\($0.version)" } ?? "")
    }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "webmanifest": return "application/manifest+json"
        case "html": return "text/html; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
