import Catalog
import Foundation
import Service
import TestSupport
import XCTest

/// Image files Lookalike wrote follow their products; files it did not write are never touched.
final class OwnedImageFolderTests: TimedTestCase {
    func testFilesGoWhenNoProductNamesThemAndOnlyInAMarkedFolder() async throws {
        let work = try ServiceFixtures.temporaryFolder(self)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("catalog.db").path)
        let folder = try OwnedImageFolder.prepare(work.appendingPathComponent("images"))
        XCTAssertTrue(folder.isMarked)
        func file(_ name: String, in directory: URL? = nil) throws -> String {
            let url = (directory ?? folder.directory).appendingPathComponent(name)
            try Data([1, 2, 3]).write(to: url)
            return url.path
        }
        let shared = try file("shared.png"), single = try file("single.png"), orphan = try file("orphan.png")
        let outside = try file("outside.png", in: work)
        func product(_ id: String, _ path: String) -> (product: Product, vector: [Float]) {
            (Product(id: id, title: id, attributes: [:], imagePath: path, contentHash: nil), [1, 0])
        }
        try await store.upsert([product("a", shared), product("b", shared), product("c", single), product("d", outside)], modelKey: "m")

        _ = try await store.remove(ids: ["a", "d"])
        var deleted = try await folder.release([shared, outside], store: store)
        XCTAssertEqual(deleted, 0, "b still shows the shared file; the outside file is not the folder's")
        XCTAssertTrue(FileManager.default.fileExists(atPath: shared))
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside))
        _ = try await store.remove(ids: ["b"])
        deleted = try await folder.release([shared], store: store)
        XCTAssertEqual(deleted, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: shared))

        // A sweep takes the file no product names, keeps the named one and the marker.
        deleted = try await folder.sweep(store: store)
        XCTAssertEqual(deleted, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: orphan))
        XCTAssertTrue(FileManager.default.fileExists(atPath: single))
        XCTAssertTrue(folder.isMarked)

        // A folder Lookalike did not create (no marker) is never cleaned, whatever it holds.
        let shops = work.appendingPathComponent("shop-photos")
        try FileManager.default.createDirectory(at: shops, withIntermediateDirectories: true)
        let photo = try file("photo.jpg", in: shops)
        let unmarked = OwnedImageFolder(directory: shops)
        XCTAssertFalse(unmarked.isMarked)
        deleted = try await unmarked.sweep(store: store)
        XCTAssertEqual(deleted, 0)
        deleted = try await unmarked.release([photo], store: store)
        XCTAssertEqual(deleted, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: photo))
    }
}
