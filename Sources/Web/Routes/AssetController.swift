import Hummingbird

/// `GET /assets/{name}`: the page's JavaScript, CSS and icons, from memory.
struct AssetController {
    let app: WebApp

    /// Adds the route to `group` (`/assets`).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("{name}", use: asset)
    }

    @Sendable func asset(_ request: Request, context: WebContext) async throws -> Response {
        let name = try context.pathParameter("name")
        // The OpenAPI document and the widget have URLs of their own.
        guard let asset = app.assets.files[name], name != OpenAPIController.fileName, name != WidgetController.fileName else {
            throw APIError(.notFound, "not_found", "there is no asset '\(name)'")
        }
        // Links carry ?v=<hash>: such URLs never change content, so they may be cached for a year.
        let versioned = request.query("v").map { $0 == asset.version } ?? false
        return Self.serve(asset, request: request,
                          cacheControl: versioned ? "public, max-age=31536000, immutable" : "public, max-age=300")
    }

    /// The asset with its ETag, or 304 when the client's copy is current.
    static func serve(_ asset: StaticAssets.Asset, request: Request, cacheControl: String) -> Response {
        let etag = "\"\(asset.version)\""
        if ImageController.matches(request, etag) {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: cacheControl])
        }
        return Response(status: .ok,
                        headers: [.contentType: asset.contentType, .eTag: etag, .cacheControl: cacheControl],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.data)))
    }
}
