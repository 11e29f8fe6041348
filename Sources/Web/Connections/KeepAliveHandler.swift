import NIOCore
import NIOHTTP1

/// Keeps a connection open after a response only when its request asked for that: an HTTP/1.0 request
/// without `Connection: keep-alive`, or any request with `Connection: close`, has its connection closed
/// once the response is written. Sits between NIO's HTTP/1 codec and the conversion to HTTP types, the
/// only place the request's HTTP version is known.
///
/// The request's `Connection` header is rewritten to `close` so Hummingbird stops reading after the
/// response, and the response says `Connection: close`. A response to HTTP/1.0 is sent as HTTP/1.0 (never
/// chunked); one without a length closes the connection, since only the close can mark its end.
final class KeepAliveHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the response to one request must do.
    private struct Pending {
        var version: HTTPVersion
        var keepAlive: Bool
    }

    /// The requests not yet answered, oldest first.
    private var pending = CircularBuffer<Pending>()
    /// Whether the response being written ends the connection.
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        let keepAlive = head.isKeepAlive
        pending.append(Pending(version: head.version, keepAlive: keepAlive))
        if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.code >= 200:
            guard let request = pending.first else { break }
            var keepAlive = request.keepAlive
            if request.version.major == 1, request.version.minor == 0 {
                response.version = .http1_0
                let delimited = response.headers.contains(name: "content-length")
                    || response.status == .noContent || response.status == .notModified
                keepAlive = keepAlive && delimited
            }
            closeAfterResponse = !keepAlive
            if !keepAlive {
                response.headers.replaceOrAdd(name: "connection", value: "close")
            } else if response.version == .http1_0 {
                response.headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
            return
        case .end:
            if !pending.isEmpty { pending.removeFirst() }
            guard closeAfterResponse else { break }
            let written = promise ?? context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }
}
