import Catalog
import Foundation
import TestSupport
import XCTest

final class FolderSourceTests: TimedTestCase {
    func testRecursiveSortedIDsAndExtensions() throws {
        let root = try makeTemporaryFolder(self)
        for name in ["b.jpg", "a.PNG", "dresses/summer/z.webp", "dresses/a.JPEG", "notes.txt", ".hidden.jpg",
                     ".cache/x.jpg", "dresses/._a.jpg", "shoes/boot.heic", "shoes/boot.avif", "c.tiff"] {
            try write(Data([0]), to: name, in: root)
        }
        let entries = Array(try FolderSource(root: root).items())
        var ids: [String] = []
        var problems: [SourceProblem] = []
        for entry in entries {
            switch entry {
            case let .item(item): ids.append(item.id)
            case let .problem(problem): problems.append(problem)
            }
        }
        XCTAssertEqual(ids, ["a", "b", "c", "dresses/a", "dresses/summer/z", "shoes/boot"])
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.item, "shoes/boot.heic")
        XCTAssertTrue(problems.first?.reason.contains("same id \"shoes/boot\" as shoes/boot.avif") ?? false, "\(problems)")
        guard case let .item(first) = entries[0] else { return XCTFail() }
        XCTAssertEqual(first.title, "a")
        XCTAssertEqual(first.attributes, [:])
        XCTAssertEqual(first.image, .file(root.standardizedFileURL.appendingPathComponent("a.PNG")))
        // Deterministic: the same order twice.
        XCTAssertEqual(Array(try FolderSource(root: root).items()), entries)
    }

    func testMissingFolderIsAnError() throws {
        let root = try makeTemporaryFolder(self)
        XCTAssertThrowsError(try FolderSource(root: root.appendingPathComponent("nope")).items())
    }

    func testSymlinkLoopsAreWalkedOnce() throws {
        let root = try makeTemporaryFolder(self)
        try write(Data([0]), to: "sub/x.jpg", in: root)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("sub/loop"),
                                                   withDestinationURL: root.appendingPathComponent("sub"))
        let ids = Array(try FolderSource(root: root).items()).compactMap { entry -> String? in
            if case let .item(item) = entry { return item.id }
            return nil
        }
        XCTAssertEqual(ids, ["sub/x"])
    }
}
