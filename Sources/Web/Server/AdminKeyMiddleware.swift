import Foundation
import Hummingbird

/// Lets a request through only with the configured admin key (`Authorization: Bearer KEY` or
/// `X-Admin-Key: KEY`); 401 otherwise, and always when the server has no key.
struct AdminKeyMiddleware: RouterMiddleware {
    typealias Context = WebContext
    /// Where the key requests must carry is read (the admin key in force); nil or empty refuses every request.
    let live: LiveOptions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected = live.options.adminKey, !expected.isEmpty else { throw APIError.unauthorized(configured: false) }
        var offered = request.headers[.adminKey]
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            offered = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        guard let offered, Self.constantTimeEqual(offered, expected) else { throw APIError.unauthorized(configured: true) }
        return try await next(request, context)
    }

    /// Compares in time that depends on the lengths only, never on where the strings differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0 ..< max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
