import Hummingbird

/// Applies the per-client rate limit to the routes of its group: a client with no token left gets 429
/// `rate_limited` with `Retry-After`. Requests without a client address (in-memory tests) and, unless
/// configured otherwise, from this machine pass.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = WebContext

    /// The limit in force and its buckets (none when the limit is off).
    let live: LiveOptions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let current = live.snapshot, limit = current.options.rateLimit
        if let buckets = current.rateBuckets, let address = context.remoteAddress, let client = ClientAddress(address),
           !(limit.exemptLoopback && client.isLoopback),
           case .limited(let retryAfter) = buckets.take(client) {
            throw APIError.rateLimited(limit, retryAfter: retryAfter)
        }
        return try await next(request, context)
    }
}

extension APIError {
    /// 429: the client has used up its searches for now; `Retry-After` says when to try again.
    static func rateLimited(_ limit: RateLimit, retryAfter: Int) -> APIError {
        let rate = limit.requestsPerSecond.rounded() == limit.requestsPerSecond
            ? String(Int(limit.requestsPerSecond)) : String(limit.requestsPerSecond)
        return APIError(.tooManyRequests, "rate_limited",
                        "too many searches from this address: at most \(rate) per second, in bursts of up to \(limit.burst); "
                            + "retry in \(retryAfter) s", headers: [.retryAfter: String(retryAfter)])
    }
}
