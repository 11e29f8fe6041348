import Catalog
import Embedding
import Foundation
import Imaging
import Service

/// What the routes share: the search service, the batcher and worker threads, caches and metrics.
final class WebApp: Sendable {
    let service: SearchService
    let options: WebOptions
    let pool: WorkerPool
    let batcher: QueryBatcher
    let thumbnails: ThumbnailCache
    let metrics: WebMetrics
    let facets: FacetCache
    let neighbours: NeighbourCache
    let assets: StaticAssets
    /// Where query uploads are kept (`--keep-uploads`), if anywhere.
    let keptUploads: ContentAddressedFolder?
    /// Where images of products added through the API go.
    let productImages: ContentAddressedFolder?
    /// The options a running server may change (SIGHUP): read them through `live`, not `options`.
    let live: LiveOptions
    /// The catalog sync beside the server (`serve --sync`), if any.
    let sync: CatalogSync?

    init(service: SearchService, options: WebOptions, live: LiveOptions? = nil, sync: CatalogSync? = nil) throws {
        self.service = service
        self.options = options
        self.live = live ?? LiveOptions(options)
        self.sync = sync
        pool = WorkerPool(threads: options.cpuThreads)
        batcher = QueryBatcher(embedder: service.embedder, options: options.batching)
        thumbnails = ThumbnailCache(decoder: ImageDecoder(limits: service.embedder.options.limits),
                                    maxBytes: options.thumbnailCacheBytes)
        metrics = WebMetrics()
        facets = FacetCache(store: service.store)
        neighbours = NeighbourCache()
        assets = try StaticAssets.load()
        keptUploads = try options.keepUploadsDirectory.map { try ContentAddressedFolder(directory: $0) }
        productImages = try options.productImagesDirectory.map { try ContentAddressedFolder(directory: $0, owned: true) }
    }

    /// The rate limit of the search routes, as a middleware for their groups.
    var rateLimiter: RateLimitMiddleware { RateLimitMiddleware(live: live) }

    deinit { batcher.shutdown() }

    /// The byte cap for request bodies: the server's, never above what the decoder accepts.
    var uploadLimit: Int { min(options.maxUploadBytes, service.embedder.options.limits.maxBytes) }

    /// The neighbours of a catalog product, cached until the catalog changes; the scan runs on the workers.
    func similar(to id: String, request: SearchRequest) async throws -> [SearchResult] {
        let service = service
        return try await neighbours.neighbours(of: id, request: request) {
            try await onWorkers { try await service.similar(to: id, request: request) }
        }
    }

    /// Runs CPU-heavy work on the worker threads, within the request's work budget: past it the request
    /// is answered 503 `timeout` at once and the work is cancelled at its next suspension.
    func onWorkers<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let pool = self.pool, budget = live.options.workBudget
        return try await withDeadline(budget, expired: { APIError.workTimeout(budget) }) { try await pool.run(body) }
    }
}
