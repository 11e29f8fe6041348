import Hummingbird

/// What Hummingbird cannot do by itself with the errors routes throw: words every error as an `APIError`
/// (service, catalog and image errors get their status and code), counts refusals in the metrics, logs
/// server failures, and shows an HTML page to people who opened a page in a browser. Everything else
/// gets the `APIError`'s own JSON answer.
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
                var page = ErrorPage.render(apiError, shopName: app.options.shopName, assets: app.assets)
                    .response(from: request, context: context)
                page.status = apiError.status
                return page
            }
            return try apiError.response(from: request, context: context)
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
