import Hummingbird

/// `GET /widget.js`: the storefront widget, the script a shop's pages load from this server with one
/// `<script src=".../widget.js" async>` tag (Public/widget.js; docs/widget.md).
///
/// The URL is fixed (it is pasted into shop templates), so the script is fresh for 5 minutes and then
/// revalidated by ETag; `Cross-Origin-Resource-Policy: cross-origin` lets pages on other origins load it
/// even when they require it (COEP). Loading the script needs no CORS grant; its searches do (`--cors-origin`).
struct WidgetController {
    let app: WebApp

    /// The script's file name among the static assets, and its path.
    static let fileName = "widget.js"
    /// How long browsers and proxies may keep the script without asking again.
    static let cacheControl = "public, max-age=300"

    /// Adds the route to `group` (the site's root).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("widget.js", use: script)
    }

    @Sendable func script(_ request: Request, context: WebContext) async throws -> Response {
        guard let asset = app.assets.files[Self.fileName] else {
            throw APIError(.notFound, "not_found", "the storefront widget is missing from this build")
        }
        var response = AssetController.serve(asset, request: request, cacheControl: Self.cacheControl)
        response.headers[.crossOriginResourcePolicy] = "cross-origin"
        return response
    }
}
