import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with the server's connection limits around it: the connection cap and
/// the byte watch before the HTTP decoder, `KeepAliveHandler` before the conversion to HTTP types, and
/// `RequestDeadlineHandler` before Hummingbird's connection state handler (which applies the idle timeout).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    /// Hummingbird's channel, configured with the idle timeout.
    let http1: HTTP1Channel
    let limits: ConnectionLimits
    /// The open connections against the cap; nil when there is no cap.
    let connections: OpenConnections?
    let metrics: WebMetrics

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let cap = connections.map { ConnectionCapHandler(connections: $0, metrics: metrics) }
        let deadlines = RequestDeadlineHandler(limits: limits, metrics: metrics, cap: cap)
        do {
            let pipeline = channel.pipeline.syncOperations
            if let cap { try pipeline.addHandler(cap) }
            try pipeline.addHandler(ByteArrivalHandler(deadlines: deadlines))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(KeepAliveHandler(), position: .before(pipeline.handler(type: HTTP1ToHTTPServerCodec.self)))
            try pipeline.addHandler(deadlines, position: .before(pipeline.handler(type: HTTPConnectionStateHandler.self)))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server whose connections obey `limits` (see `GuardedHTTP1Channel`).
    static func guardedHTTP1(configuration: HTTP1Channel.Configuration, limits: ConnectionLimits,
                             connections: OpenConnections?, metrics: WebMetrics) -> HTTPServerBuilder {
        var withIdleTimeout = configuration
        withIdleTimeout.idleTimeout = limits.idleTimeout.map { TimeAmount($0) }
        let configuration = withIdleTimeout
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: configuration),
                                limits: limits, connections: connections, metrics: metrics)
        }
    }
}
