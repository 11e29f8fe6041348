/// How long a connection may stay silent or slow and how many may be open: the deadlines and the cap
/// that keep slow or idle clients from holding the server's sockets.
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection with no request in progress (new, or between keep-alive requests) is closed after this
    /// long without a request; nil never closes one.
    public var idleTimeout: Duration? = .seconds(30)
    /// A request head (request line and headers) must be complete this long after its first byte, or the
    /// client gets 408 and the connection is closed; nil waits forever.
    public var headTimeout: Duration? = .seconds(10)
    /// A request body must be complete this long after its head, plus one second per `minimumBodyRate`
    /// bytes received, or the client gets 408 and the connection is closed; nil waits forever.
    public var bodyTimeout: Duration? = .seconds(60)
    /// The upload speed, in bytes per second, that earns a body more time beyond `bodyTimeout`.
    public var minimumBodyRate: Int = 16 * 1024
    /// The most connections open at once. Beyond it, a new connection replaces the one idle longest (no
    /// request in progress), or is closed as soon as it is accepted when none is idle. 0 sets no cap. The
    /// server keeps the cap below the process's descriptor limit (`effectiveMaxConnections`).
    public var maxConnections: Int = 512

    /// Default limits.
    public init() {}

    /// The cap the server applies: `maxConnections`, lowered to leave descriptors for everything else the
    /// process opens (catalog files, the model, database connections) when `descriptorLimit` (the soft
    /// `RLIMIT_NOFILE`) is low; nil when there is no cap.
    public func effectiveMaxConnections(descriptorLimit: Int?) -> Int? {
        guard maxConnections > 0 else { return nil }
        guard let descriptorLimit, descriptorLimit > 0 else { return maxConnections }
        let headroom = max(64, descriptorLimit / 4)
        return max(1, min(maxConnections, descriptorLimit - headroom))
    }
}
