import Foundation
import Service

/// How the web server runs: where it listens, what it accepts and what it keeps.
public struct WebOptions: Sendable {
    /// Address to bind, e.g. `127.0.0.1` (only this machine) or `0.0.0.0` (every interface).
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks a free one (tests).
    public var port: Int = 8080
    /// Largest accepted request body in bytes (an upload plus its form fields).
    public var maxUploadBytes: Int = 20_000_000
    /// Where query uploads are kept, named by content hash; nil (the default) keeps none.
    public var keepUploadsDirectory: URL?
    /// Where images of products added through the API are written (named by content hash).
    public var productImagesDirectory: URL?
    /// The key `POST /api/products` and `DELETE /api/products/{id}` require; nil refuses every admin call.
    public var adminKey: String?
    /// Results shown by default and the most a request may ask for.
    public var defaultResults: Int = 5
    /// The most results one request may ask for.
    public var maxResults: Int = 100
    /// Longest side of thumbnails in pixels.
    public var thumbnailSize: Int = 320
    /// Memory the thumbnail cache may use, in bytes.
    public var thumbnailCacheBytes: Int = 64 << 20
    /// Threads for decoding, thumbnails and vector scans (0 = one per core).
    public var cpuThreads: Int = 0
    /// How query embeddings are batched.
    public var batching = QueryBatcher.Options()
    /// Name shown in the page header.
    public var shopName: String = "Lookalike"
    /// Deadlines for idle and slow connections, and the cap on open connections.
    public var connections = ConnectionLimits()
    /// The per-client rate limit of the search routes.
    public var rateLimit = RateLimit()
    /// Origins (`https://shop.example`) whose pages may call the search API from the browser (CORS); empty
    /// (the default) allows none.
    public var corsOrigins: [String] = []
    /// The longest the work of one request (decode, model, scan, heat maps) may take before the request
    /// is answered 503 `timeout`.
    public var workBudget: Duration = .seconds(30)

    /// Default options.
    public init() {}
}
