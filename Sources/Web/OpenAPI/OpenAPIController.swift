import Hummingbird

/// `GET /openapi.json`: the OpenAPI 3 document of every route (kept in Public/openapi.json; a test
/// checks it lists exactly the routes the server registers).
struct OpenAPIRoutes {
    let app: WebApp

    /// The document's file name among the static assets.
    static let fileName = "openapi.json"

    func register(on routes: RouteTable) {
        routes.add(.get, "/openapi.json") { request, _ in
            guard let asset = app.assets.files[Self.fileName] else {
                throw APIError(.notFound, "not_found", "the OpenAPI document is missing from this build")
            }
            return AssetRoutes.serve(asset, request: request, cacheControl: "public, max-age=300")
        }
    }
}
