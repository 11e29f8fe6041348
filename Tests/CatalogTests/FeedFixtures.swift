import Catalog
import Foundation
import XCTest

/// Files for the product feed tests: real photos copied beside a feed, and the references a source gives them.
enum FeedFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Copies `testdata/photos/<photo>` to `name` inside `folder`.
    @discardableResult
    static func photo(_ photo: String, as name: String, in folder: URL) throws -> URL {
        try write(try Data(contentsOf: root.appendingPathComponent("testdata/photos/\(photo)")), to: name, in: folder)
    }

    /// The reference a feed's relative path `name` becomes.
    static func file(_ name: String, in folder: URL) -> ImageReference {
        .file(folder.appendingPathComponent(name).standardizedFileURL)
    }

    /// The reference an http(s) URL becomes.
    static func remote(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> ImageReference {
        .remote(try XCTUnwrap(URL(string: text), file: file, line: line))
    }

    /// Every entry of a source.
    static func entries(_ source: any CatalogSource) throws -> [SourceEntry] {
        Array(try source.items())
    }
}

/// Asserts two entry lists are equal, entry by entry, so a failure names the entry that differs.
func XCTAssertEntries(_ actual: [SourceEntry], _ expected: [SourceEntry], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "entries: \(actual)", file: file, line: line)
    for (index, (a, e)) in zip(actual, expected).enumerated() where a != e {
        XCTFail("entry \(index):\n  got      \(a)\n  expected \(e)", file: file, line: line)
    }
}
