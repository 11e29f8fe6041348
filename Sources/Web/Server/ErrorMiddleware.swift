import Hummingbird

/// What Hummingbird cannot do by itself with the errors routes throw: words every error as an `APIError`
/// (service, catalog and image errors get their status and code; a path that exists with other methods
/// gets 405 with `Allow`), counts refusals in the metrics, logs (server failures as errors with their
/// details, refusals at debug), and shows an HTML page to people who opened a page in a browser. Everything
/// else gets the `APIError`'s own JSON answer.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let app: WebApp
    /// The methods each path answers, for 405s.
    let allowed: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = answer(to: error, request: request, context: context)
            let line = "\(request.method) \(request.uri.path): \(apiError.status.code) \(apiError.code): \(apiError.message)"
                + (apiError.detail.map { " (\($0))" } ?? "")
            if apiError.status.code >= 500 {
                context.logger.error("\(line)")
            } else {
                if apiError.status.code >= 400 { app.metrics.recordRejection(code: apiError.code) }
                context.logger.debug("\(line)")
            }
            var response = try Self.wantsPage(request, context: context)
                ? page(apiError, request: request, context: context)
                : apiError.response(from: request, context: context)
            if request.method == .head { response = response.createHeadResponse() }
            return response
        }
    }

    /// The `APIError` for `error`; the router's own "no such route" becomes 404 or, when the path has other
    /// methods, 405.
    private func answer(to error: any Error, request: Request, context: Context) -> APIError {
        let apiError = APIError.from(error)
        guard context.endpointPath == "NotFound" || (apiError.code == "not_found" && context.endpointPath == nil) else {
            return apiError
        }
        let methods = allowed.methods(for: request.uri.path)
        return methods.isEmpty
            ? .noRoute(request.method.rawValue, request.uri.path)
            : .methodNotAllowed(request.method.rawValue, request.uri.path, allowed: methods)
    }

    /// The error as an HTML page with its status and headers.
    private func page(_ apiError: APIError, request: Request, context: Context) -> Response {
        var response = ErrorPage.render(apiError, shopName: app.live.options.shopName, assets: app.assets)
            .response(from: request, context: context)
        response.status = apiError.status
        response.headers.append(contentsOf: apiError.headers)
        return response
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
