import Catalog
import Embedding
import Foundation
import Service
import Synchronization
import XCTest

/// Shared set-up for the service tests: paths, one compiled model, temporary folders.
enum ServiceFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let photos = root.appendingPathComponent("testdata/photos")
    static let images = root.appendingPathComponent("testdata/images")

    private static let cached = Mutex<Embedder?>(nil)

    /// EfficientNet-Lite0 in f32, compiled once per test process.
    static func embedder() throws -> Embedder {
        try cached.withLock { cached in
            if let cached { return cached }
            var options = EmbedderOptions()
            options.precision = .f32
            let directory = root.appendingPathComponent("models/efficientnet-lite0")
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) else {
                XCTFail("model missing: run `make setup`")
                throw XCTSkip("model missing")
            }
            let embedder = try Embedder(directory: directory, options: options)
            cached = embedder
            return embedder
        }
    }

    /// A new empty folder, removed when the test ends.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// Copies fixture files into `folder` under new names.
    static func copy(_ files: [(String, String)], into folder: URL) throws {
        for (source, target) in files {
            let from = [photos, images].map { $0.appendingPathComponent(source) }.first { FileManager.default.fileExists(atPath: $0.path) }
            guard let from else { throw XCTSkip("fixture \(source) missing: run `make setup`") }
            let to = folder.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: to)
            try FileManager.default.copyItem(at: from, to: to)
        }
    }

    /// The first `count` Fashion-MNIST test items imported into a new SQLite catalog in `test`'s temporary folder
    /// (PNGs under images/), with `itemSignatures` if asked.
    static func fashionCatalog(_ test: XCTestCase, count: Int = 40, itemSignatures: Bool = false)
        async throws -> (store: SQLiteCatalogStore, summary: ImportSummary, options: ImportOptions) {
        let work = try temporaryFolder(test)
        let store = try SQLiteCatalogStore(path: work.appendingPathComponent("f.db").path)
        var options = ImportOptions()
        options.limit = count
        options.assetsDirectory = work.appendingPathComponent("images")
        options.itemSignatures = itemSignatures
        let summary = try await ImportPipeline(store: store, embedder: try embedder(), options: options).run(source: FashionMNISTSource(split: .test))
        return (store, summary, options)
    }

    /// Imports the four fixture photos (cat, coffee, astronaut, rocket, with category and colour) into
    /// `store` through a CSV manifest in `test`'s temporary folder, and serves them.
    /// `embedder`: the real model by default; tests of the pipeline itself pass the fake (`PixelEmbedder`).
    static func photoService(_ test: XCTestCase, store: any CatalogStore, embedder: (any ImageEmbedder)? = nil) async throws -> SearchService {
        let work = try temporaryFolder(test)
        try copy([("chelsea.png", "img/cat.png"), ("coffee.png", "img/coffee.png"),
                  ("astronaut.png", "img/astronaut.png"), ("rocket.jpg", "img/rocket.jpg")], into: work)
        let csv = """
        id,image,title,category,colour
        cat,img/cat.png,Chelsea the cat,animal,brown
        coffee,img/coffee.png,Espresso cup,food,brown
        astronaut,img/astronaut.png,Astronaut portrait,people,white
        rocket,img/rocket.jpg,Rocket launch,space,white
        """
        try Data(csv.utf8).write(to: work.appendingPathComponent("catalog.csv"))
        let embedder = try embedder ?? Self.embedder()
        let summary = try await ImportPipeline(store: store, embedder: embedder)
            .run(source: ManifestSource(file: work.appendingPathComponent("catalog.csv")))
        XCTAssertEqual(summary.indexed, 4)
        return try await SearchService(store: store, embedder: embedder)
    }
}
