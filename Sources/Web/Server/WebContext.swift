import Foundation
import Hummingbird

/// The request context of every route.
public typealias WebContext = BasicRequestContext

/// Registers routes on the router and remembers them, so the OpenAPI document can be checked
/// against the routes that really exist.
///
/// Not `Sendable`: like Hummingbird's `Router` it wraps, it is filled on one thread while the server is
/// assembled, and only the finished route list (`[Route]`, `Sendable`) leaves that thread.
public final class RouteTable {
    /// One route: method and path pattern (`/api/products/{id}`).
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        /// Upper-case HTTP method.
        public let method: String
        /// Path pattern with `{name}` parameters, as in OpenAPI.
        public let path: String
        public var description: String { "\(method) \(path)" }
    }

    let router: Router<WebContext>
    /// The routes in the order they were added.
    public private(set) var routes: [Route] = []

    init(router: Router<WebContext>) {
        self.router = router
    }

    /// Adds a route.
    func add(_ method: HTTPRequest.Method, _ path: String,
             _ handler: @escaping @Sendable (Request, WebContext) async throws -> Response) {
        router.on(RouterPath(path), method: method, use: handler)
        routes.append(Route(method: method.rawValue, path: path))
    }
}

extension WebContext {
    /// A path parameter, percent-decoded (ids may hold '/' and other characters, sent encoded).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw APIError.badParameter("the \(name) in the path is not valid percent-encoding")
        }
        return decoded
    }
}
