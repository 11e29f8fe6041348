import Catalog
import EmbeddingTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import Web
import TestSupport
import XCTest

/// A product whose image file on the server is broken is the server's failure: 500 with a neutral message
/// that names neither the file's path nor its bytes; those go to the log.
final class StoredImageErrorTests: TimedTestCase {
    func testBrokenStoredImagesAre500WithoutPathsOrContents() async throws {
        let (service, folder) = try await WebFixtures.photoCatalog(self, photos: ["rocket.jpg"], embedder: PixelEmbedder())
        let broken = folder.appendingPathComponent("secret-name.jpg")
        try Data("SECRET-BYTES of a file that is no image".utf8).write(to: broken)
        let directory = folder.appendingPathComponent("hidden-folder")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let photo = EncodedImage(data: try WebFixtures.data("rocket.jpg"), name: "rocket.jpg")
        try await service.add(Product(id: "broken", title: "Broken", imagePath: broken.path), image: photo)
        try await service.add(Product(id: "folder", title: "Folder", imagePath: directory.path), image: photo)

        let log = LogCapture()
        var options = WebOptions()
        options.port = 0
        options.cpuThreads = 2
        let app = try WebServer(service: service, options: options).makeApplication(logger: log.logger)
        try await app.test(.router) { client in
            for uri in ["/thumbnails/broken", "/images/folder", "/thumbnails/folder"] {
                let response = try await client.execute(uri: uri, method: .get)
                XCTAssertAPIError(response, 500, "image_unreadable")
                let text = response.text
                for secret in [folder.path, "secret-name", "hidden-folder", "SECRET-BYTES"] {
                    XCTAssertFalse(text.contains(secret), "\(uri) answers with '\(secret)': \(text)")
                }
                let id = String(uri.split(separator: "/").last ?? "")
                XCTAssertTrue(response.errorMessage?.contains("product '\(id)'") ?? false, text)
            }
        }
        // The log says which file failed and why.
        let errors = log.all.filter { $0.level == .error }.map(\.message)
        XCTAssertTrue(errors.contains { $0.contains("/thumbnails/broken") && $0.contains(broken.path) }, "\(log.all)")
        XCTAssertTrue(errors.contains { $0.contains("/images/folder") && $0.contains(directory.path) }, "\(log.all)")
    }
}
