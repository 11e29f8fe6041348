import Catalog
import Foundation
import TestSupport
import XCTest

final class ManifestSourceTests: TimedTestCase {
    func testCSVManifest() throws {
        let root = try makeTemporaryFolder(self)
        try write(Data([1]), to: "photos/a.jpg", in: root)
        try write(Data([1]), to: "photos/b.png", in: root)
        let absolute = try write(Data([1]), to: "elsewhere/c.webp", in: root)
        let csv = """
            ID,Image,Name,Color,Price
            a,photos/a.jpg,"Red dress, long",red,19.99
            b,photos/b.png,,blue,
            c,\(absolute.path),Third,,5
            d,photos/missing.jpg,Missing,red,1
            e,https://example.com/e.jpg,Remote,red,1
            f,photos/a.jpg,Too,many,fields,here
            ,photos/a.jpg,No id,red,1
            """
        let manifest = try write(csv, to: "catalog.csv", in: root)
        let source = try Catalog.source(for: manifest.path)
        XCTAssertTrue(source is ManifestSource)
        let entries = Array(try source.items())
        XCTAssertEqual(entries.count, 7)
        guard case let .item(a) = entries[0], case let .item(b) = entries[1], case let .item(c) = entries[2] else {
            return XCTFail("\(entries)")
        }
        XCTAssertEqual(a.id, "a")
        XCTAssertEqual(a.title, "Red dress, long")
        XCTAssertEqual(a.attributes, ["Color": "red", "Price": "19.99"])
        XCTAssertEqual(a.image, .file(root.appendingPathComponent("photos/a.jpg").standardizedFileURL))
        XCTAssertEqual(b.title, "b", "no title falls back to the id")
        XCTAssertEqual(b.attributes, ["Color": "blue"])
        XCTAssertEqual(c.image.filePath, absolute.standardizedFileURL.path)
        XCTAssertEqual(entries[3], .problem(SourceProblem(item: "catalog.csv line 5 (id d)",
                                                          reason: "image photos/missing.jpg not found")))
        XCTAssertEqual(entries[4], .item(SourceItem(id: "e", title: "Remote", attributes: ["Color": "red", "Price": "1"],
                                                     image: .remote(URL(string: "https://example.com/e.jpg")!),
                                                     location: "catalog.csv line 6")))
        XCTAssertEqual(entries[5], .problem(SourceProblem(item: "catalog.csv line 7", reason: "expected 5 fields, found 6")))
        XCTAssertEqual(entries[6], .problem(SourceProblem(item: "catalog.csv line 8", reason: "the id is empty")))
    }

    func testCSVWithoutImageColumnIsRefused() throws {
        let root = try makeTemporaryFolder(self)
        let manifest = try write("id,title\n1,x\n", to: "m.csv", in: root)
        XCTAssertThrowsError(try ManifestSource(file: manifest).items()) { error in
            XCTAssertTrue("\(error)".contains("the header has no \"image\" column"), "\(error)")
        }
    }

    func testJSONLManifest() throws {
        let root = try makeTemporaryFolder(self)
        try write(Data([1]), to: "img/1.jpg", in: root)
        try write(Data([1]), to: "img/2.jpg", in: root)
        let lines = [
            #"{"id": 1, "image": "img/1.jpg", "title": "Blue shirt", "color": "blue", "year": 2012, "onSale": true, "tags": ["a"]}"#,
            "",
            #"{"id": "two", "image": "img/2.jpg", "name": "Named", "price": 9.5}"#,
            #"{"id": "three"}"#,
            #"not json"#,
            #"[1, 2]"#,
            #"{"image": "img/1.jpg"}"#,
        ]
        let manifest = try write(lines.joined(separator: "\n"), to: "items.jsonl", in: root)
        let entries = Array(try ManifestSource(file: manifest).items())
        XCTAssertEqual(entries.count, 6)
        guard case let .item(first) = entries[0], case let .item(second) = entries[1] else { return XCTFail("\(entries)") }
        XCTAssertEqual(first.id, "1")
        XCTAssertEqual(first.title, "Blue shirt")
        XCTAssertEqual(first.attributes, ["color": "blue", "year": "2012", "onSale": "true"])
        XCTAssertEqual(second.title, "Named")
        XCTAssertEqual(second.attributes, ["price": "9.5"])
        XCTAssertEqual(entries[2], .problem(SourceProblem(item: "items.jsonl line 4 (id three)", reason: "no \"image\" path")))
        guard case let .problem(notJSON) = entries[3], case let .problem(array) = entries[4],
              case let .problem(noID) = entries[5] else { return XCTFail("\(entries)") }
        XCTAssertEqual(notJSON.item, "items.jsonl line 5")
        XCTAssertTrue(notJSON.reason.hasPrefix("not a JSON object"), notJSON.reason)
        XCTAssertEqual(array.item, "items.jsonl line 6")
        XCTAssertEqual(noID.reason, "no \"id\" string or number")
    }

    func testOtherExtensionsAreRefused() throws {
        let root = try makeTemporaryFolder(self)
        let file = try write("x", to: "catalog.xlsx", in: root)
        XCTAssertThrowsError(try ManifestSource(file: file))
    }
}
