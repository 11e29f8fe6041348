import Hummingbird

/// Turns every error a route throws into an answer: JSON `{"error": {"code", "message"}}` with the
/// right status for API calls, an HTML page for pages people open in a browser.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let app: WebApp

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var apiError = APIError.from(error)
            if context.endpointPath == "NotFound" || (apiError.code == "not_found" && context.endpointPath == nil) {
                apiError = .noRoute(request.method.rawValue, request.uri.path)
            }
            if apiError.status.code >= 400 && apiError.status.code < 500 { app.metrics.recordRejection(code: apiError.code) }
            if apiError.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path): \(apiError.message)")
            }
            if Self.wantsPage(request, context: context) {
                return PageRoutes.html(ErrorPage.render(apiError, shopName: app.options.shopName, assets: app.assets),
                                       status: apiError.status)
            }
            return JSONResponse.error(apiError)
        }
    }

    /// Pages (and unknown paths opened by a browser) get HTML errors; everything else JSON.
    static func wantsPage(_ request: Request, context: Context) -> Bool {
        switch context.endpointPath {
        case "/", "/products/{id}": return true
        case "NotFound", nil: return request.headers[.accept]?.contains("text/html") ?? false
        default: return false
        }
    }
}
