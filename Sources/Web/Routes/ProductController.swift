import Catalog
import Dispatch
import Embedding
import Hummingbird
import Service

/// `GET /api/products/{id}` and `GET /api/products/{id}/similar`.
struct ProductController {
    let app: WebApp

    /// Adds the routes to `group` (`/api/products`).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("{id}", use: show)
        group.group("{id}/similar").add(middleware: app.rateLimiter).get(use: similar)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> ProductJSON {
        ProductJSON(try await product(try context.pathParameter("id")))
    }

    @Sendable func similar(_ request: Request, context: WebContext) async throws -> SimilarResponseJSON {
        let id = try context.pathParameter("id")
        let started = DispatchTime.now().uptimeNanoseconds
        let parameters = try SearchParameters.parse(request.queryPairs, defaultK: app.options.defaultResults,
                                                    maxK: app.options.maxResults, knownKeys: try await app.facets.keys())
        if parameters.crop != nil { throw APIError.badParameter("crop applies to uploaded photos, not to 'more like this'") }
        let product = try await product(id)
        let results = try await app.similar(to: id, request: parameters.request)
        var maps: [HeatMap?] = []
        if parameters.explain, let query = try await app.service.productVector(id: id) {
            let service = app.service
            maps = try await app.onWorkers { try service.heatMaps(for: results, query: query) }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        app.metrics.search.observe(elapsed / 1000)
        return SimilarResponseJSON(
            product: ProductJSON(product),
            results: results.enumerated().map { ResultJSON($1, heatMap: $0 < maps.count ? maps[$0] : nil) },
            timings: TimingsJSON(decode: 0, embed: 0, search: elapsed, total: elapsed), k: parameters.k)
    }

    /// The stored product, or 404.
    func product(_ id: String) async throws -> Product {
        guard let product = try await app.service.store.product(id: id) else { throw APIError.unknownProduct(id) }
        return product
    }
}
