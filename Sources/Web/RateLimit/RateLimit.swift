/// The per-client rate limit of the search routes (`POST /api/search`, `GET /api/products/{id}/similar`):
/// a token bucket per client address holding up to `burst` requests, refilled at `requestsPerSecond`.
public struct RateLimit: Sendable, Equatable {
    /// Requests per second a client may make on average; 0 turns the limit off.
    public var requestsPerSecond: Double = 10
    /// Requests a client may make at once after being quiet.
    public var burst: Int = 20
    /// Whether clients on this machine (127.0.0.0/8, ::1) are exempt, as for a local demo or tests.
    public var exemptLoopback: Bool = true
    /// The most clients remembered at once; beyond it, the buckets of the quietest clients are dropped.
    public var maxClients: Int = 10_000

    /// The default limit: 10 requests per second, bursts of 20, this machine exempt.
    public init() {}

    /// Whether the limit applies at all.
    public var isEnabled: Bool { requestsPerSecond > 0 && burst > 0 }
}
