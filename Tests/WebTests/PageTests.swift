import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import Web
import TestSupport
import XCTest

/// The server-rendered pages: search page with facets, product page with neighbours, escaping, errors.
final class PageTests: TimedTestCase {
    func testSearchPage() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertNotNil(response.headers[.contentSecurityPolicy])
            XCTAssertEqual(response.headers[.xContentTypeOptions], "nosniff")
            let html = response.text
            XCTAssertTrue(html.contains("among 200 products"))
            XCTAssertTrue(html.contains(#"capture="environment""#), "phone camera input")
            XCTAssertTrue(html.contains(#"accept="image/*""#))
            XCTAssertTrue(html.contains(#"name="articleType" value="Trouser""#), "facet filters from the catalog")
            XCTAssertFalse(html.contains(#"name="split""#), "single-valued keys make no filter")
            XCTAssertTrue(html.contains(#"data-default-k="5""#) && html.contains(#"data-max-k="100""#))
            XCTAssertTrue(html.contains(#"<html lang="en">"#) && html.contains(#"name="viewport""#))
            XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no external resources")
            XCTAssertFalse(html.contains("The catalog is empty"))
            // Every img has an alt attribute.
            for tag in html.matches(of: #/<img[^>]*>/#) { XCTAssertTrue(tag.0.contains("alt="), "img without alt: \(tag.0)") }
        }
    }

    func testEmptyCatalogPageSaysSo() async throws {
        let (service, _) = try await WebFixtures.emptyCatalog(self)
        try await WebFixtures.app(service).test(.router) { client in
            let html = try await client.execute(uri: "/", method: .get).text
            XCTAssertTrue(html.contains("The catalog is empty"))
        }
    }

    func testProductPageShowsNeighboursAndEscapesText() async throws {
        let (service, _) = try await WebFixtures.photoCatalog(self)
        let data = try WebFixtures.data("chelsea.png")
        let evil = Product(id: "x\"><script>alert(1)</script>", title: "<img src=x onerror=alert(1)> & \"quoted\"",
                           attributes: ["gender": "<b>Women</b>"],
                           imagePath: WebFixtures.photos.appendingPathComponent("chelsea.png").path)
        try await service.add(evil, image: EncodedImage(data: data, name: "chelsea.png"))
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/products/chelsea", method: .get)
            XCTAssertEqual(response.status, .ok)
            let html = response.text
            XCTAssertTrue(html.contains("Photo chelsea"))
            XCTAssertTrue(html.contains("Looks similar"))
            XCTAssertTrue(html.contains(#"href="/products/coffee""#), "neighbours link to their pages")
            XCTAssertTrue(html.contains("More like this"))
            XCTAssertTrue(html.contains("% match"))
            XCTAssertFalse(html.contains(#"href="/products/chelsea""#), "a product is not its own neighbour")

            let escaped = try await client.execute(uri: "/products/" + "x\"><script>alert(1)</script>".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, method: .get)
            XCTAssertEqual(escaped.status, .ok)
            let page = escaped.text
            XCTAssertFalse(page.contains("<script>alert"), "ids are escaped")
            XCTAssertFalse(page.contains("<img src=x"), "titles are escaped")
            XCTAssertFalse(page.contains("<b>Women"), "attributes are escaped")
            XCTAssertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"))
            // The neighbours of chelsea include the evil product: escaped there too.
            let neighbourPage = try await client.execute(uri: "/products/coffee", method: .get).text
            XCTAssertFalse(neighbourPage.contains("<img src=x"))
        }
    }

    func testUnknownProductPageIsA404Page() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/products/%3Cnope%3E", method: .get)
            XCTAssertEqual(response.status, .notFound)
            XCTAssertEqual(response.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertTrue(response.text.contains("no product with id &#39;&lt;nope&gt;&#39;"), response.text)
        }
    }
}
