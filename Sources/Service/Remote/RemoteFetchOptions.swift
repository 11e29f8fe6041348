/// Limits of downloading a catalog's images from the shop's web server.
public struct RemoteFetchOptions: Sendable {
    /// Downloads in flight at once, over every host.
    public var maxConcurrent = 16
    /// Downloads in flight at once from one host.
    public var maxPerHost = 8
    /// The largest image body accepted, in bytes; a larger one fails its item.
    public var maxBytes = 30_000_000
    /// Seconds to open a connection (the HTTP client tries again within them).
    public var connectTimeout: Double = 5
    /// Seconds one attempt may take in all, headers and body.
    public var requestTimeout: Double = 30
    /// Attempts after the first, on a connection failure, a timeout, 429 or 5xx.
    public var retries = 3
    /// Seconds before the first retry; doubled for each next one (with jitter), unless `Retry-After` says.
    public var backoff: Double = 0.5
    /// The longest `Retry-After` waited for; a server asking for longer fails the item.
    public var maxRetryAfter: Double = 30
    /// Redirects followed (a cycle fails at once).
    public var maxRedirects = 5

    /// The defaults: 16 downloads, 8 per host, 30 MB, 5 s to connect, 30 s per attempt, 3 retries.
    public init() {}
}
