import Dispatch
import Embedding
import Foundation
import Hummingbird
import Imaging
import Service

/// `POST /api/search`: a photo in, the most similar products out.
///
/// The body is read with the byte cap enforced as it streams; the photo then takes the service's one
/// query path (`SearchService.search(image:request:batcher:)`) on the worker threads, its views embedded
/// through the `QueryBatcher`, so queries arriving together share one model call.
struct SearchController {
    let app: WebApp

    /// Adds the route to `group` (`/api/search`).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.add(middleware: app.rateLimiter).post(use: search)
    }

    @Sendable func search(_ request: Request, context: WebContext) async throws -> SearchResponseJSON {
        let started = DispatchTime.now().uptimeNanoseconds
        let keys = try await app.facets.keys()
        let queryPairs = request.queryPairs
        // Parameters in the URL are checked before the body is read: a bad k costs no upload.
        _ = try parse(queryPairs, keys: keys)
        let upload = try await ImageUpload.read(request, limit: app.uploadLimit)
        let parameters = try parse(upload.fields + queryPairs, keys: keys)
        guard app.service.count > 0 else { throw QueryError.emptyCatalog(modelKey: app.service.embedder.modelKey) }

        let service = app.service, batcher = app.batcher, kept = app.keptUploads
        let query = parameters.request
        let outcome = try await app.onWorkers { () async throws -> SearchOutcome in
            let response = try await service.search(image: EncodedImage(data: upload.data, name: upload.displayName),
                                                     request: query, batcher: batcher)
            if let kept { Self.keep(upload.data, in: kept) }
            let maps = parameters.explain ? try service.heatMaps(for: response.results, query: response.vector) : []
            return SearchOutcome(response: response, heatMaps: maps)
        }
        let response = outcome.response
        app.metrics.decode.observe(response.decodeMilliseconds / 1000)
        app.metrics.embed.observe(response.embedMilliseconds / 1000)
        app.metrics.search.observe(response.searchMilliseconds / 1000)
        if let embedding = response.embedding, embedding.positionInBatch == 0 {
            app.metrics.batchSize.observe(Double(embedding.batchSize))
            app.metrics.modelCall.observe(embedding.modelMilliseconds / 1000)
        }
        let total = Self.seconds(started, DispatchTime.now().uptimeNanoseconds)
        return SearchResponseJSON(
            results: response.results.enumerated().map { ResultJSON($1, heatMap: $0 < outcome.heatMaps.count ? outcome.heatMaps[$0] : nil) },
            timings: TimingsJSON(decode: response.decodeMilliseconds, embed: response.embedMilliseconds,
                                 search: response.searchMilliseconds, total: total * 1000),
            k: parameters.k)
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

/// What one search produced: the service's answer and, with explain=1, a heat map per result.
struct SearchOutcome: Sendable {
    let response: SearchResponse
    /// One per result with explain=1, else empty.
    let heatMaps: [HeatMap?]
}
