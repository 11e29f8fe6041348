import Catalog
import Embedding
import Foundation
import Imaging
@testable import Web
import TestSupport
import XCTest

/// A server failure (500) tells the client what failed in general; paths and underlying errors go only
/// to the log (`detail`).
final class ServerFailureMessageTests: TimedTestCase {
    struct Unexpected: Error, CustomStringConvertible {
        var description: String { "open /srv/secret/catalog.db failed" }
    }

    func testServerFailuresKeepPathsOutOfTheMessage() {
        let failures: [(any Error, String)] = [
            (CatalogStoreError.cannotOpen(path: "/srv/secret/catalog.db", reason: "disk I/O error"), "catalog_error"),
            (EmbeddingError.invalidManifest(path: "/srv/secret/model/manifest.json", reason: "bad JSON"), "model_error"),
            (ImagingError.unreadable(source: "/srv/secret/images/1.jpg", reason: "permission denied"), "image_unreadable"),
            (Unexpected(), "internal"),
        ]
        for (error, code) in failures {
            let answer = APIError.from(error)
            XCTAssertEqual(answer.status.code, 500, "\(error)")
            XCTAssertEqual(answer.code, code)
            XCTAssertFalse(answer.message.contains("/srv/secret"), answer.message)
            XCTAssertTrue(answer.detail?.contains("/srv/secret") ?? false, "the log gets the cause: \(answer)")
        }
    }

    func testClientErrorsKeepTheirOwnWords() {
        let answer = APIError.from(ImagingError.notAnImage(source: "holiday.jpg", prefix: "%PDF"))
        XCTAssertEqual(answer.status.code, 415)
        XCTAssertTrue(answer.message.hasPrefix("holiday.jpg is not an image"), answer.message)
    }
}
