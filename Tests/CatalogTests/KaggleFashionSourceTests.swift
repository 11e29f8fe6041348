import Catalog
import Foundation
import TestSupport
import XCTest

final class KaggleFashionSourceTests: TimedTestCase {
    private func makeKaggleFolder(_ csv: String, images: [String]) throws -> URL {
        let root = try makeTemporaryFolder(self)
        try write(csv, to: "styles.csv", in: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("images"), withIntermediateDirectories: true)
        for id in images { try write(Data([0xFF, 0xD8, 0xFF]), to: "images/\(id).jpg", in: root) }
        return root
    }

    func testAnIdThatLeavesTheImagesFolderIsRefused() throws {
        let header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"
        let root = try makeKaggleFolder([header, "../secret,Men,Apparel,Topwear,Shirts,Navy,Fall,2011,Casual,Sneaky",
                                         "15970,Men,Apparel,Topwear,Shirts,Navy,Fall,2011,Casual,Fine"].joined(separator: "\n"),
                                        images: ["15970"])
        // The file the id points at exists, one folder up from images/.
        try write(Data([0xFF, 0xD8, 0xFF]), to: "secret.jpg", in: root)
        let entries = Array(try KaggleFashionSource(root: root).items())
        XCTAssertEqual(entries.count, 2)
        guard case let .problem(problem) = entries[0] else { return XCTFail("imported \(entries[0])") }
        XCTAssertEqual(problem.item, "styles.csv line 2 (id ../secret)")
        XCTAssertTrue(problem.reason.contains("outside images/"), problem.reason)
        guard case let .item(fine) = entries[1] else { return XCTFail("\(entries[1])") }
        XCTAssertEqual(fine.location, "styles.csv line 3")
    }

    func testRealWorldQuirks() throws {
        let header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"
        let rows = [
            "15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt",
            // Unquoted commas in the display name: 12 fields, the last three are the name.
            "39386,Men,Apparel,Bottomwear,Jeans,Blue,Summer,2012,Casual,Peter England Men Party Blue Jeans, Slim, Fit",
            "21379,Men,Apparel",  // short row
            "53759,Men,Apparel,Topwear,Tshirts,Grey,Summer,2012,Casual,No image for this one",
            ",Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,Empty id",
            // Quoted name with a comma and an escaped quote; empty usage.
            "1855,Women,Accessories,Bags,Handbags,Black,Winter,2016,,\"Lino Perros Women \"\"Classic\"\", Black Handbag\"",
            "",
        ]
        let csv = "\u{FEFF}" + ([header] + rows).joined(separator: "\r\n") + "\r\n"
        let root = try makeKaggleFolder(csv, images: ["15970", "39386", "21379", "1855", "99999"])
        XCTAssertTrue(KaggleFashionSource.looksLikeKaggle(root))
        let entries = Array(try KaggleFashionSource(root: root).items())
        XCTAssertEqual(entries.count, 6, "\(entries)")

        guard case let .item(shirt) = entries[0] else { return XCTFail("\(entries[0])") }
        XCTAssertEqual(shirt.id, "15970")
        XCTAssertEqual(shirt.title, "Turtle Check Men Navy Blue Shirt")
        XCTAssertEqual(shirt.attributes, ["gender": "Men", "masterCategory": "Apparel", "subCategory": "Topwear",
                                          "articleType": "Shirts", "baseColour": "Navy Blue", "season": "Fall",
                                          "year": "2011", "usage": "Casual"])
        XCTAssertEqual(shirt.image, .file(root.appendingPathComponent("images/15970.jpg")))

        guard case let .item(jeans) = entries[1] else { return XCTFail("\(entries[1])") }
        XCTAssertEqual(jeans.title, "Peter England Men Party Blue Jeans, Slim, Fit")
        XCTAssertEqual(jeans.attributes["usage"], "Casual")

        XCTAssertEqual(entries[2], .problem(SourceProblem(item: "styles.csv line 4", reason: "expected 10 fields, found 3")))
        XCTAssertEqual("\(SourceProblem(item: "styles.csv line 4", reason: "expected 10 fields, found 3"))",
                       "styles.csv line 4: expected 10 fields, found 3")
        XCTAssertEqual(entries[3], .problem(SourceProblem(item: "styles.csv line 5 (id 53759)",
                                                          reason: "image images/53759.jpg not found")))
        XCTAssertEqual(entries[4], .problem(SourceProblem(item: "styles.csv line 6", reason: "the id is empty")))
        guard case let .item(bag) = entries[5] else { return XCTFail("\(entries[5])") }
        XCTAssertEqual(bag.title, "Lino Perros Women \"Classic\", Black Handbag")
        XCTAssertNil(bag.attributes["usage"], "empty values are dropped")
    }

    func testBagIsListedAfterProblems() throws {
        let csv = """
            id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName
            1,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,"Name, with comma"
            2,Men
            3,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Plain

            """
        let root = try makeKaggleFolder(csv, images: ["1", "2", "3"])
        let entries = Array(try KaggleFashionSource(root: root).items())
        XCTAssertEqual(entries.count, 3)
        guard case let .item(first) = entries[0], case .problem = entries[1], case let .item(third) = entries[2] else {
            return XCTFail("\(entries)")
        }
        XCTAssertEqual(first.title, "Name, with comma")
        XCTAssertEqual(third.id, "3")
    }

    func testWrongHeaderIsAClearError() throws {
        let root = try makeKaggleFolder("sku,name\n1,Shirt\n", images: ["1"])
        XCTAssertThrowsError(try KaggleFashionSource(root: root).items()) { error in
            XCTAssertEqual("\(error)", "\(root.appendingPathComponent("styles.csv").path): the header has no \"id\" or "
                + "\"productDisplayName\" column (columns found: sku, name)")
        }
    }

    func testEnumerationIsLazy() throws {
        let header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"
        let body = (0 ..< 20000).map { "\($0),Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Shirt \($0)" }
            .joined(separator: "\n")
        let root = try makeKaggleFolder(header + body, images: ["0", "1"])
        let iterator = try KaggleFashionSource(root: root).items().makeIterator()
        guard case let .item(first)? = iterator.next() else { return XCTFail("first entry should be an item") }
        XCTAssertEqual(first.id, "0")
        guard case let .item(second)? = iterator.next() else { return XCTFail("second entry should be an item") }
        XCTAssertEqual(second.id, "1")
        guard case let .problem(problem)? = iterator.next() else { return XCTFail("third entry: image missing") }
        XCTAssertEqual(problem.item, "styles.csv line 4 (id 2)")
    }
}
