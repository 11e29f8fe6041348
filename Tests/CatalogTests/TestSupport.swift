import Catalog
import Foundation
import XCTest

/// A fresh temporary folder, removed when the test ends.
func makeTemporaryFolder(_ test: XCTestCase, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("lookalike-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}

/// Writes `text` (UTF-8) to `name` inside `folder`, creating subfolders.
@discardableResult
func write(_ text: String, to name: String, in folder: URL) throws -> URL {
    try write(Data(text.utf8), to: name, in: folder)
}

/// Writes bytes to `name` inside `folder`, creating subfolders.
@discardableResult
func write(_ data: Data, to name: String, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
    return url
}

extension XCTestCase {
    /// A new catalog store in a temporary folder, and its path.
    func makeStore() throws -> (SQLiteCatalogStore, String) {
        let path = try makeTemporaryFolder(self).appendingPathComponent("catalog.db").path
        return (try SQLiteCatalogStore(path: path), path)
    }

    /// A product with a predictable title and image path.
    func product(_ id: String, _ attributes: [String: String] = [:], hash: String? = nil) -> Product {
        Product(id: id, title: "Title of \(id)", attributes: attributes, imagePath: "/images/\(id).jpg", contentHash: hash)
    }
}
