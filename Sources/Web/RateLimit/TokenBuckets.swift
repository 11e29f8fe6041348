import Synchronization

/// A token bucket per client: each request takes a token, tokens refill at a steady rate up to the
/// bucket's capacity, and a request finding no token is refused with the seconds until one comes.
///
/// Memory is bounded: at most `maxClients` buckets are kept. When a new client would exceed that, the
/// buckets already full again (clients quiet long enough to be indistinguishable from new ones) are
/// dropped, and if none is, the one unused longest.
final class TokenBuckets: Sendable {
    /// What a request may do.
    enum Decision: Equatable, Sendable {
        /// Go ahead (a token was taken).
        case allowed
        /// Refused; a token will be there in this many seconds (at least 1).
        case limited(retryAfter: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Tokens added per second.
    let rate: Double
    /// Tokens a bucket holds at most (and a new client starts with).
    let capacity: Double
    /// The most buckets kept.
    let maxClients: Int
    private let buckets = Mutex<[ClientAddress: Bucket]>([:])

    init(rate: Double, capacity: Int, maxClients: Int) {
        self.rate = rate
        self.capacity = Double(max(1, capacity))
        self.maxClients = max(1, maxClients)
    }

    /// Buckets kept now.
    var count: Int { buckets.withLock { $0.count } }

    /// Takes a token of `client`'s bucket at time `now`.
    func take(_ client: ClientAddress, now: ContinuousClock.Instant = .now) -> Decision {
        buckets.withLock { buckets in
            var bucket: Bucket
            if let existing = buckets[client] {
                bucket = existing
                bucket.tokens = refilled(existing, at: now)
                bucket.updated = now
            } else {
                if buckets.count >= maxClients { evict(from: &buckets, now: now) }
                bucket = Bucket(tokens: capacity, updated: now)
            }
            guard bucket.tokens >= 1 else {
                buckets[client] = bucket
                return .limited(retryAfter: max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))))
            }
            bucket.tokens -= 1
            buckets[client] = bucket
            return .allowed
        }
    }

    private func refilled(_ bucket: Bucket, at now: ContinuousClock.Instant) -> Double {
        let elapsed = max(.zero, now - bucket.updated)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(capacity, bucket.tokens + seconds * rate)
    }

    /// Makes room for one more bucket: drops every full bucket, else the one unused longest.
    private func evict(from buckets: inout [ClientAddress: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, at: now) < capacity }
        if buckets.count >= maxClients, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets[oldest.key] = nil
        }
    }
}
