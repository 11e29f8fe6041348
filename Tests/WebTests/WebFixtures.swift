import Catalog
import Embedding
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import Search
import Service
import Web
import XCTest

/// Shared set-up for the web tests: one compiled model, one imported Fashion-MNIST catalog per
/// process (read-only), fresh catalogs for tests that change them, and request helpers.
enum WebFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let photos = root.appendingPathComponent("testdata/photos")
    static let images = root.appendingPathComponent("testdata/images")

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cachedEmbedder: Embedder?
    nonisolated(unsafe) private static var cachedCatalog: Task<SearchService, Error>?

    /// EfficientNet-Lite0 in f32, compiled once per test process.
    static func embedder() throws -> Embedder {
        lock.lock()
        defer { lock.unlock() }
        if let cachedEmbedder { return cachedEmbedder }
        var options = EmbedderOptions()
        options.precision = .f32
        options.limits = ImageLimits(maxBytes: 20_000_000, maxPixels: 50_000_000)
        let directory = root.appendingPathComponent("models/efficientnet-lite0")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) else {
            XCTFail("model missing: run `make setup`")
            throw XCTSkip("model missing")
        }
        let embedder = try Embedder(directory: directory, options: options)
        cachedEmbedder = embedder
        return embedder
    }

    /// A search service over the first 200 Fashion-MNIST test images (imported once per process; do not change it).
    static func fashionCatalog() async throws -> SearchService {
        let task: Task<SearchService, Error> = lock.withLock {
            if let cachedCatalog { return cachedCatalog }
            let task = Task { try await importFashion(limit: 200) }
            cachedCatalog = task
            return task
        }
        return try await task.value
    }

    /// Imports the first `limit` Fashion-MNIST test images into a new catalog in a temporary folder.
    static func importFashion(limit: Int) async throws -> SearchService {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteCatalogStore(path: folder.appendingPathComponent("catalog.db").path)
        let embedder = try embedder()
        var options = ImportOptions()
        options.limit = limit
        options.assetsDirectory = folder.appendingPathComponent("images")
        let summary = try await ImportPipeline(store: store, embedder: embedder, options: options)
            .run(source: FashionMNISTSource(split: .test))
        precondition(summary.indexed + summary.unchanged == limit, "Fashion-MNIST import failed: \(summary.failures)")
        return try await SearchService(store: store, embedder: embedder)
    }

    /// A new catalog of the first `limit` Fashion-MNIST test images, tuned on articleType (32 dimensions).
    static func tunedFashion(limit: Int) async throws -> SearchService {
        let untuned = try await importFashion(limit: limit)
        let table = try await untuned.store.loadVectors(modelKey: untuned.embedder.modelKey)
        var parameters = TunedSimilarity.Parameters()
        parameters.dimensions = 32
        parameters.probeIterations = 100
        try await CatalogTuning.fitAndStore(store: untuned.store, table: table, label: "articleType", parameters: parameters)
        return try await SearchService(store: untuned.store, embedder: untuned.embedder)
    }

    /// An empty catalog of its own, removed when the test ends; embedded by the real model, or by `embedder`
    /// (the deterministic fake, for tests of the routes rather than the model).
    static func emptyCatalog(_ test: XCTestCase, embedder: (any ImageEmbedder)? = nil) async throws -> (SearchService, URL) {
        let folder = try temporaryFolder(test)
        let store = try SQLiteCatalogStore(path: folder.appendingPathComponent("catalog.db").path)
        return (try await SearchService(store: store, embedder: try embedder ?? Self.embedder()), folder)
    }

    /// A catalog of its own with the fixture photos as products (ids = file names without extension).
    static func photoCatalog(_ test: XCTestCase, photos names: [String] = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"],
                             embedder: (any ImageEmbedder)? = nil) async throws -> (SearchService, URL) {
        let (service, folder) = try await emptyCatalog(test, embedder: embedder)
        for (index, name) in names.enumerated() {
            let url = photos.appendingPathComponent(name)
            let data = try Data(contentsOf: url)
            let id = (name as NSString).deletingPathExtension
            let product = Product(id: id, title: "Photo \(id)", attributes: ["kind": index % 2 == 0 ? "even" : "odd"],
                                  imagePath: url.path, contentHash: ContentHash.hex(of: data))
            try await service.add(product, image: EncodedImage(data: data, name: name))
        }
        return (service, folder)
    }

    /// A new empty folder, removed when the test ends.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// The application for `service` with test-friendly options.
    static func app(_ service: SearchService, configure: (inout WebOptions) -> Void = { _ in }) throws -> WebServer.App {
        var options = WebOptions()
        options.port = 0
        options.cpuThreads = 2
        configure(&options)
        return try WebServer(service: service, options: options).makeApplication()
    }

    /// Bytes of a fixture file (photos or images folder).
    static func data(_ name: String) throws -> Data {
        for folder in [photos, images] {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
        }
        throw XCTSkip("fixture \(name) missing: run `make setup`")
    }

    /// The PNG a Fashion-MNIST product was imported from.
    static func productImage(_ service: SearchService, id: String) async throws -> Data {
        let product = try await service.store.product(id: id)
        let path = try XCTUnwrap(product?.imagePath)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}

/// A multipart/form-data body built by hand, as a browser or curl would send it.
struct MultipartBody {
    let boundary = "----lookalike-test-\(UUID().uuidString)"
    private(set) var bytes = Data()

    /// Adds a file field.
    mutating func file(_ name: String, filename: String, contentType: String = "application/octet-stream", data: Data) {
        bytes += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
        bytes += data
        bytes += Data("\r\n".utf8)
    }

    /// Adds a text field.
    mutating func field(_ name: String, _ value: String) {
        bytes += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    /// The finished body.
    var body: ByteBuffer {
        ByteBuffer(bytes: bytes + Data("--\(boundary)--\r\n".utf8))
    }

    /// The Content-Type header.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Headers for the request (plus any extra).
    func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        fields[.contentType] = contentType
        return fields
    }

    /// A body with just an `image` field.
    static func image(_ data: Data, filename: String = "photo.jpg") -> MultipartBody {
        var body = MultipartBody()
        body.file("image", filename: filename, contentType: "image/jpeg", data: data)
        return body
    }
}

extension TestResponse {
    /// The body decoded as JSON into `T`.
    func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    /// The body as a dictionary.
    func object() throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// The body as text.
    var text: String { String(buffer: body) }

    /// The error code of a JSON error body.
    var errorCode: String? { (try? json(ErrorBody.self))?.error.code }
    /// The error message of a JSON error body.
    var errorMessage: String? { (try? json(ErrorBody.self))?.error.message }
}

/// `{"error": {"code", "message"}}`.
struct ErrorBody: Decodable {
    struct Detail: Decodable {
        let code: String
        let message: String
    }
    let error: Detail
}

/// The parts of `POST /api/search` answers the tests look at.
struct SearchBody: Decodable {
    struct Result: Decodable {
        let id: String
        let title: String
        let score: Double
        let attributes: [String: String]
        let image: String
        let thumbnail: String
    }
    struct Timings: Decodable {
        let decode_ms: Double
        let embed_ms: Double
        let search_ms: Double
        let total_ms: Double
    }
    let results: [Result]
    let timings: Timings
    let k: Int
}

/// Asserts an error answer: status, JSON content type and code.
func XCTAssertAPIError(_ response: TestResponse, _ status: Int, _ code: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(response.status.code, status, "status; body: \(response.text)", file: file, line: line)
    XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8", file: file, line: line)
    XCTAssertEqual(response.errorCode, code, "code; body: \(response.text)", file: file, line: line)
    XCTAssertFalse((response.errorMessage ?? "").isEmpty, "an error needs a message", file: file, line: line)
}
