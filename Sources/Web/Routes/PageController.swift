import Hummingbird
import Service

/// `GET /` (the search page) and `GET /products/{id}` (a product and its neighbours), rendered on the server.
struct PageController {
    let app: WebApp

    /// Neighbours shown on a product page.
    static let neighbours = 10

    /// Adds the pages to `group` (the site's root).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get(use: searchPage)
        group.get("products/{id}", use: productPage)
    }

    @Sendable func searchPage(_ request: Request, context: WebContext) async throws -> HTML {
        let page = SearchPage(shopName: app.live.options.shopName, productCount: app.service.count,
                              facets: try await app.facets.facets(), options: app.options,
                              metric: app.service.metric.rawValue)
        return page.render(assets: app.assets)
    }

    @Sendable func productPage(_ request: Request, context: WebContext) async throws -> HTML {
        let id = try context.pathParameter("id")
        guard let product = try await app.service.store.product(id: id) else { throw APIError.unknownProduct(id) }
        var neighbours: [SearchResult] = []
        var problem: String?
        do {
            neighbours = try await app.similar(to: id, request: SearchRequest(k: Self.neighbours))
        } catch let error as QueryError {
            problem = error.description
        }
        let page = ProductPage(shopName: app.live.options.shopName, product: product, neighbours: neighbours,
                               metric: app.service.metric, neighboursProblem: problem)
        return page.render(assets: app.assets)
    }
}
