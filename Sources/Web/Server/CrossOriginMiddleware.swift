import Hummingbird

/// Cross-origin access (CORS) for a shop's storefront on another origin: only the origins listed in
/// `WebOptions.corsOrigins` (as in force when the request arrives), only the public reads and `POST /api/search`, never with credentials, and
/// never the admin routes. A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here:
/// 204 with the allowed method and headers, or 403 `cors_refused` naming why.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = WebContext
    /// Where the allowed origins are read, exactly as browsers send them (`https://shop.example`, no trailing slash).
    let live: LiveOptions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let origins = Set(live.options.corsOrigins)
        if request.method == .options, let wanted = request.headers[.accessControlRequestMethod] {
            guard origins.contains(origin) else {
                throw APIError(.forbidden, "cors_refused", "the origin \(origin) may not call this API; the server's cors origins list the storefronts that may")
            }
            guard let method = HTTPRequest.Method(wanted), Self.isShared(method, path: request.uri.path) else {
                throw APIError(.forbidden, "cors_refused", "\(wanted) \(request.uri.path) is not open to other origins")
            }
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .vary: "Origin",
                .accessControlAllowMethods: method.rawValue,
                .accessControlAllowHeaders: "Content-Type, X-Request-Id",
                .accessControlMaxAge: "600",
            ])
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)  // errors are readable cross-origin too
        }
        if origins.contains(origin), Self.isShared(request.method, path: request.uri.path) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "X-Request-Id, Retry-After"
        }
        response.headers[.vary] = "Origin"
        return response
    }

    /// Whether other origins may make this call: reads (GET, HEAD) and photo searches. Adding and
    /// removing products never is, whatever the list says.
    static func isShared(_ method: HTTPRequest.Method, path: String) -> Bool {
        switch method {
        case .get, .head: return true
        case .post: return path == "/api/search"
        default: return false
        }
    }
}
