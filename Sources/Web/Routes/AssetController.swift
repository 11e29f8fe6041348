import Hummingbird

/// `GET /assets/{name}`: the page's JavaScript, CSS and icons, from memory.
struct AssetRoutes {
    let app: WebApp

    func register(on routes: RouteTable) {
        routes.add(.get, "/assets/{name}") { request, context in
            let name = try context.pathParameter("name")
            guard let asset = app.assets.files[name], name != OpenAPIRoutes.fileName else {
                throw APIError(.notFound, "not_found", "there is no asset '\(name)'")
            }
            // Links carry ?v=<hash>: such URLs never change content, so they may be cached for a year.
            let versioned = request.query("v").map { $0 == asset.version } ?? false
            return Self.serve(asset, request: request,
                              cacheControl: versioned ? "public, max-age=31536000, immutable" : "public, max-age=300")
        }
    }

    static func serve(_ asset: StaticAssets.Asset, request: Request, cacheControl: String) -> Response {
        let etag = "\"\(asset.version)\""
        if ImageRoutes.matches(request, etag) {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: cacheControl])
        }
        return Response(status: .ok,
                        headers: [.contentType: asset.contentType, .eTag: etag, .cacheControl: cacheControl],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.data)))
    }
}
