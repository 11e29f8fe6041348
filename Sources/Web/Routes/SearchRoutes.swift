import Dispatch
import Embedding
import Foundation
import Hummingbird
import Imaging
import Service

/// `POST /api/search`: a photo in, the most similar products out.
///
/// The body is read with the byte cap enforced as it streams; decoding and the vector scan run on
/// the worker threads; the embedding goes through the `QueryBatcher`, so queries arriving together
/// share one model call.
struct SearchRoutes {
    let app: WebApp

    func register(on routes: RouteTable) {
        routes.add(.post, "/api/search") { request, _ in try await search(request) }
    }

    func search(_ request: Request) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let keys = try await app.facets.keys()
        let queryPairs = request.queryPairs
        // Parameters in the URL are checked before the body is read: a bad k costs no upload.
        _ = try parse(queryPairs, keys: keys)
        let upload = try await ImageUpload.read(request, limit: app.uploadLimit)
        let parameters = try parse(upload.fields + queryPairs, keys: keys)
        guard app.service.count > 0 else { throw QueryError.emptyCatalog(modelKey: app.service.embedder.modelKey) }

        let service = app.service, batcher = app.batcher, kept = app.keptUploads
        let outcome = try await app.onWorkers { () async throws -> SearchOutcome in
            let t0 = DispatchTime.now().uptimeNanoseconds
            let image = EncodedImage(data: upload.data, name: upload.displayName), cleanup = parameters.cleanup ?? .standard
            try service.requireVerification(for: cleanup)
            let (views, signatures) = try service.embedder.cleanedQuery(image, look: service.look, cleanup: cleanup, region: parameters.crop)
            let t1 = DispatchTime.now().uptimeNanoseconds
            // Every view joins the shared model calls; the query is their normalised mean.
            let embeddings = try await batcher.embed(views)
            guard !embeddings.isEmpty else { throw QueryError.invalidParameter("the photo gave no view to search with") }
            let embedding = embeddings[0].with(vector: service.embedder.meanVector(of: embeddings.map(\.vector)))
            let t2 = DispatchTime.now().uptimeNanoseconds
            let results: [SearchResult]
            if let signatures {
                results = try await service.verified(vector: embedding.vector, signatures: signatures, request: parameters.request)
            } else {
                results = try await service.search(vector: embedding.vector, request: parameters.request)
            }
            let t3 = DispatchTime.now().uptimeNanoseconds
            if let kept { Self.keep(upload.data, in: kept) }
            let maps = parameters.explain ? try service.heatMaps(for: results, query: embedding.vector) : []
            return SearchOutcome(results: results, heatMaps: maps, embedding: embedding,
                                 decode: Self.seconds(t0, t1), embed: Self.seconds(t1, t2), search: Self.seconds(t2, t3))
        }
        app.metrics.decode.observe(outcome.decode)
        app.metrics.embed.observe(outcome.embed)
        app.metrics.search.observe(outcome.search)
        if outcome.embedding.positionInBatch == 0 {
            app.metrics.batchSize.observe(Double(outcome.embedding.batchSize))
            app.metrics.modelCall.observe(outcome.embedding.modelMilliseconds / 1000)
        }
        let total = Self.seconds(started, DispatchTime.now().uptimeNanoseconds)
        return try JSONResponse.make(SearchResponseJSON(
            results: outcome.results.enumerated().map { ResultJSON($1, heatMap: $0 < outcome.heatMaps.count ? outcome.heatMaps[$0] : nil) },
            timings: TimingsJSON(decode: outcome.decode * 1000, embed: outcome.embed * 1000,
                                 search: outcome.search * 1000, total: total * 1000),
            k: parameters.k))
    }

    private func parse(_ pairs: [(String, String)], keys: Set<String>) throws -> SearchParameters {
        try SearchParameters.parse(pairs, defaultK: app.options.defaultResults, maxK: app.options.maxResults, knownKeys: keys)
    }

    /// Stores a searched query photo by content hash (`--keep-uploads`); a failure is reported, not fatal.
    static func keep(_ data: Data, in folder: ContentAddressedFolder) {
        do {
            try folder.store(data)
        } catch {
            FileHandle.standardError.write(Data("lookalike: could not keep an upload in \(folder.directory.path): \(error)\n".utf8))
        }
    }

    static func seconds(_ start: UInt64, _ end: UInt64) -> Double { Double(end &- start) / 1e9 }
}

/// What one search produced and how long each step took (seconds).
struct SearchOutcome: Sendable {
    let results: [SearchResult]
    /// One per result with explain=1, else empty.
    let heatMaps: [HeatMap?]
    let embedding: QueryBatcher.Embedding
    let decode: Double
    let embed: Double
    let search: Double
}
