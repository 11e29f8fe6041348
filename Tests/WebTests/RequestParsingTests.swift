import Foundation
import Hummingbird
@testable import Web
import TestSupport
import XCTest

/// Query parameters, multipart headers and HTML escaping, without a server.
final class RequestParsingTests: TimedTestCase {
    let keys: Set<String> = ["gender", "articleType"]

    func parse(_ pairs: [(String, String)]) throws -> SearchParameters {
        try SearchParameters.parse(pairs, defaultK: 5, maxK: 100, knownKeys: keys)
    }

    func testSearchParameters() throws {
        let p = try parse([("k", "20"), ("filter", "gender:Women"), ("filter", "gender:Men"), ("articleType", "Tshirts"),
                           ("filter", "gender:Women"), ("crop", "0.1,0.2,0.5,0.6"), ("utm_source", "x")])
        XCTAssertEqual(p.k, 20)
        XCTAssertEqual(p.filters, ["gender": ["Women", "Men"], "articleType": ["Tshirts"]])
        XCTAssertEqual(p.crop?.left, 0.1)
        XCTAssertEqual(p.crop?.height, 0.6)
        XCTAssertEqual(try parse([]).k, 5)
        XCTAssertNil(try parse([("crop", "")]).crop)
        XCTAssertEqual(try parse([("filter", "articleType:Shirts: long")]).filters["articleType"], ["Shirts: long"], "only the first colon splits")
        // A catalog key holding ':' is filtered as the page sends it (filter=key:value).
        let withColon = try SearchParameters.parse([("filter", "size:EU:42"), ("filter", "gender:Men")], defaultK: 5, maxK: 100,
                                                   knownKeys: ["size:EU", "gender"])
        XCTAssertEqual(withColon.filters, ["size:EU": ["42"], "gender": ["Men"]])
        for bad in [[("k", "0")], [("k", "101")], [("k", "")], [("filter", "nocolon")], [("filter", "colour:red")],
                    [("filter", "gender:")], [("crop", "1,0,0.5,0.5")], [("crop", "0,0,1.5,0.5")], [("crop", "nan,0,0.5,0.5")]] {
            XCTAssertThrowsError(try parse(bad), "\(bad)") { error in
                XCTAssertEqual((error as? APIError)?.status, .badRequest, "\(bad): \(error)")
            }
        }
    }

    func testQueryStrings() {
        let pairs = QueryString.pairs("k=5&filter=articleType%3AAnkle+boot&filter=articleType:T-shirt%2Ftop&flag&base%20Colour=Navy+Blue&=x&bad=%ZZ")
        XCTAssertEqual(pairs.map(\.0), ["k", "filter", "filter", "flag", "base Colour", "", "bad"])
        XCTAssertEqual(pairs.map(\.1), ["5", "articleType:Ankle boot", "articleType:T-shirt/top", "", "Navy Blue", "x", "%ZZ"])
        XCTAssertEqual(QueryString.value("filter", in: "filter=a&filter=b"), "b")
        XCTAssertTrue(QueryString.pairs(nil).isEmpty)
    }

    func testContentDispositionParameters() {
        XCTAssertEqual(HeaderParameters.parse(#"form-data; name="image"; filename="a b;c.jpg""#), ["name": "image", "filename": "a b;c.jpg"])
        XCTAssertEqual(HeaderParameters.parse("form-data; name=k"), ["name": "k"])
        XCTAssertEqual(HeaderParameters.parse(#"form-data; NAME="x\"y""#), ["name": "x\"y"])
        XCTAssertEqual(HeaderParameters.parse("form-data"), [:])
    }

    func testDisplayNamesAreLabelsOnly() {
        XCTAssertEqual(ImageUpload.displayName("../../etc/passwd"), "passwd")
        XCTAssertEqual(ImageUpload.displayName(#"C:\Users\me\photo.jpg"#), "photo.jpg")
        XCTAssertEqual(ImageUpload.displayName("a\u{0}b\nc.png"), "abc.png")
        XCTAssertEqual(ImageUpload.displayName(nil), "the upload")
        XCTAssertEqual(ImageUpload.displayName("/"), "the upload")
    }

    func testHTMLEscaping() {
        let text = #"<a href="x">'&'</a>"#
        let html: HTML = "<p title=\"\(text)\">\(text)</p>"
        XCTAssertEqual(html.description, "<p title=\"&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\">&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;</p>")
        let nested: HTML = "<div>\(html)</div>"
        XCTAssertTrue(nested.description.hasPrefix("<div><p "))
    }

    func testPathsEncodeIDs() {
        XCTAssertEqual(WebPaths.product("cats/chelsea"), "/products/cats%2Fchelsea")
        XCTAssertEqual(WebPaths.thumbnail("a b&c?"), "/thumbnails/a%20b%26c%3F")
        XCTAssertEqual(WebPaths.image("plain-id_1.2~"), "/images/plain-id_1.2~")
    }

    func testFacetLabels() {
        XCTAssertEqual(FacetDisplay.label("articleType"), "Type")
        XCTAssertEqual(FacetDisplay.label("baseColour"), "Colour")
        XCTAssertEqual(FacetDisplay.label("productDisplayName"), "Product display name")
        XCTAssertEqual(FacetDisplay.label("fit_type"), "Fit type")
        XCTAssertEqual(FacetDisplay.keyFacts(["split": "test", "articleType": "Bag", "gender": "Women", "zeta": "z", "alpha": "a"]),
                       ["Women", "Bag", "a"])
    }

    func testImageFormats() {
        XCTAssertEqual(ImageFormat(sniffing: Data([0xFF, 0xD8, 0xFF, 0xE0])), .jpeg)
        XCTAssertEqual(ImageFormat(sniffing: Data([0x89, 0x50, 0x4E, 0x47, 0x0D])), .png)
        XCTAssertEqual(ImageFormat(sniffing: Data("RIFF\0\0\0\0WEBPVP8 ".utf8)), .webp)
        XCTAssertEqual(ImageFormat(sniffing: Data("\0\0\0\u{1C}ftypheic".utf8)), .heic)
        XCTAssertEqual(ImageFormat(sniffing: Data("\0\0\0\u{1C}ftypavif".utf8)), .avif)
        XCTAssertEqual(ImageFormat(sniffing: Data("<html>".utf8)).fileExtension, "bin")
    }
}
