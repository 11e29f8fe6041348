import Hummingbird
import Service

/// `GET /` (the search page) and `GET /products/{id}` (a product and its neighbours), rendered on the server.
struct PageRoutes {
    let app: WebApp

    /// Neighbours shown on a product page.
    static let neighbours = 10

    func register(on routes: RouteTable) {
        routes.add(.get, "/") { _, _ in
            let page = SearchPage(shopName: app.options.shopName, productCount: app.service.count,
                                  facets: try await app.facets.facets(), options: app.options,
                                  metric: app.service.metric.rawValue)
            return Self.html(page.render(assets: app.assets))
        }
        routes.add(.get, "/products/{id}") { _, context in
            let id = try context.pathParameter("id")
            guard let product = try await app.service.store.product(id: id) else { throw APIError.unknownProduct(id) }
            var neighbours: [SearchResult] = []
            var problem: String?
            do {
                neighbours = try await app.similar(to: id, request: SearchRequest(k: Self.neighbours))
            } catch let error as QueryError {
                problem = error.description
            }
            let page = ProductPage(shopName: app.options.shopName, product: product, neighbours: neighbours,
                                   metric: app.service.metric, neighboursProblem: problem)
            return Self.html(page.render(assets: app.assets))
        }
    }

    static func html(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: html.description)))
    }
}
