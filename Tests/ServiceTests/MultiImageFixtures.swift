import Catalog
import Foundation
import Imaging
import Service
import XCTest

/// A shop's Merchant Center TSV feed whose products have several images, with local photos:
/// BAG-1's second image is the cat photo, SUIT-2 has two additional images of which the second is missing,
/// TEE-RED and TEE-BLUE are variants of one item group with the same photo.
enum MultiImageFixtures {
    /// Writes the photos and `feed.tsv` into `folder`; returns the feed.
    static func feed(in folder: URL, bagSecondImage: String = "chelsea.png") throws -> URL {
        try ServiceFixtures.copy([("coffee.png", "img/bag-front.png"), (bagSecondImage, "img/bag-side.png"),
                                  ("astronaut.png", "img/suit.png"), ("flower.jpg", "img/suit-detail.jpg"),
                                  ("rocket.jpg", "img/rocket.jpg"), ("china.jpg", "img/tee-red.jpg"), ("china.jpg", "img/tee-blue.jpg")],
                                 into: folder)
        let rows = [
            "id\ttitle\timage_link\tadditional_image_link\titem_group_id\tcolor",
            "BAG-1\tCanvas bag\timg/bag-front.png\timg/bag-side.png\t\tbrown",
            "SUIT-2\tSpace suit\timg/suit.png\timg/suit-detail.jpg,img/suit-missing.jpg\t\twhite",
            "ROCKET-3\tRocket print\timg/rocket.jpg\t\t\twhite",
            "TEE-RED\tTee, red\timg/tee-red.jpg\t\tTEE\tred",
            "TEE-BLUE\tTee, blue\timg/tee-blue.jpg\t\tTEE\tblue",
        ]
        let feed = folder.appendingPathComponent("feed.tsv")
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: feed, options: .atomic)
        return feed
    }

    /// A fixture photo's bytes.
    static func photo(_ name: String) throws -> EncodedImage {
        try EncodedImage(contentsOf: ServiceFixtures.photos.appendingPathComponent(name))
    }

    /// Checks what every search over the feed's catalog must show: each product once, each naming its image.
    static func assertProductsOnce(_ results: [SearchResult], file: StaticString = #filePath, line: UInt = #line) {
        let ids = results.map(\.product.id)
        XCTAssertEqual(ids.count, Set(ids).count, "a product came back twice: \(ids)", file: file, line: line)
        for result in results {
            XCTAssertNotNil(result.imagePath, "\(result.product.id) names no image", file: file, line: line)
        }
    }
}
