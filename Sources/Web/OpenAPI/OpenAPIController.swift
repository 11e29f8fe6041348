import Hummingbird

/// `GET /openapi.json`: the OpenAPI 3 document of every route (kept in Public/openapi.json; a test
/// checks it lists exactly the routes the router has).
struct OpenAPIController {
    let app: WebApp

    /// The document's file name among the static assets.
    static let fileName = "openapi.json"

    /// Adds the route to `group` (the site's root).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("openapi.json", use: document)
    }

    @Sendable func document(_ request: Request, context: WebContext) async throws -> Response {
        guard let asset = app.assets.files[Self.fileName] else {
            throw APIError(.notFound, "not_found", "the OpenAPI document is missing from this build")
        }
        return AssetController.serve(asset, request: request, cacheControl: "public, max-age=300")
    }
}
