import Synchronization

/// The options a running server can change without a restart (`serve` applies them on SIGHUP): the CORS
/// origins, the rate limit, the work budget of a request, the admin key and the shop's name. Every request
/// reads them once, when it starts, so a change never splits one request between two settings; the
/// connection deadlines, the listening address, the catalog and the model are fixed at start.
public final class LiveOptions: Sendable {
    /// The options a request sees, with the rate limit's token buckets for them.
    struct Snapshot: Sendable {
        let options: WebOptions
        /// The per-client buckets of the search routes; nil when the rate limit is off.
        let rateBuckets: TokenBuckets?
    }

    private let state: Mutex<Snapshot>

    /// Options as the server starts with them.
    public init(_ options: WebOptions) {
        state = Mutex(Snapshot(options: options, rateBuckets: Self.buckets(for: options.rateLimit)))
    }

    /// The options in force.
    public var options: WebOptions { state.withLock { $0.options } }

    /// The options in force with their rate-limit buckets.
    var snapshot: Snapshot { state.withLock { $0 } }

    /// Takes the reloadable fields of `new` (the others stay as the server started) and returns the names of
    /// those that changed. The clients' rate-limit buckets start again full when the limit changes.
    @discardableResult
    public func update(from new: WebOptions) -> [String] {
        state.withLock { current in
            var options = current.options
            var changed: [String] = []
            if options.corsOrigins != new.corsOrigins { options.corsOrigins = new.corsOrigins; changed.append("corsOrigins") }
            if options.rateLimit != new.rateLimit { options.rateLimit = new.rateLimit; changed.append("rateLimit") }
            if options.workBudget != new.workBudget { options.workBudget = new.workBudget; changed.append("workBudget") }
            if options.adminKey != new.adminKey { options.adminKey = new.adminKey; changed.append("adminKey") }
            if options.shopName != new.shopName { options.shopName = new.shopName; changed.append("shopName") }
            let buckets = changed.contains("rateLimit") ? Self.buckets(for: options.rateLimit) : current.rateBuckets
            current = Snapshot(options: options, rateBuckets: buckets)
            return changed
        }
    }

    private static func buckets(for limit: RateLimit) -> TokenBuckets? {
        limit.isEnabled ? TokenBuckets(rate: limit.requestsPerSecond, capacity: limit.burst, maxClients: limit.maxClients) : nil
    }
}
