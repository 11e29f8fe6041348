import Catalog
import Hummingbird

/// `GET /api/facets`: every attribute key with its most frequent values and their counts.
struct FacetController {
    let app: WebApp

    /// Adds the route to `group` (`/api/facets`).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get(use: facets)
    }

    @Sendable func facets(_ request: Request, context: WebContext) async throws -> FacetsJSON {
        var limit = 20
        if let text = request.query("limit") {
            guard let value = Int(text), (1 ... FacetCache.valuesPerKey).contains(value) else {
                throw APIError.badParameter("limit must be a whole number from 1 to \(FacetCache.valuesPerKey)")
            }
            limit = value
        }
        let facets = try await app.facets.facets()
        return FacetsJSON(products: app.service.count, facets: facets.map { FacetJSON($0, limit: limit) })
    }
}

/// `GET /api/facets`.
struct FacetsJSON: ResponseEncodable, Codable, Sendable {
    var products: Int
    var facets: [FacetJSON]
}

/// One attribute key and its values.
struct FacetJSON: Codable, Sendable {
    /// One value and how many products have it.
    struct Value: Codable, Sendable {
        var value: String
        var count: Int
    }
    var key: String
    var label: String
    var distinct: Int
    var values: [Value]

    init(_ facet: Facet, limit: Int) {
        key = facet.key
        label = FacetDisplay.label(facet.key)
        distinct = facet.distinctValues
        values = facet.values.prefix(limit).map { Value(value: $0.value, count: $0.count) }
    }
}
