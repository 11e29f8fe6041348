import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Cuts requests that arrive too slowly: a request head must be complete `headTimeout` after its first
/// byte, and a body within `bodyTimeout` after its head plus one second per `minimumBodyRate` bytes
/// received. A late request gets 408 `request_timeout` (when no answer to it has begun) and its connection
/// is closed; a late body also ends the route's body stream with `RequestTimeout`.
///
/// Time the server spends answering is never the client's: a head's deadline starts only once every
/// earlier request on the connection has been answered. Idle connections (no request in progress) are
/// closed by Hummingbird's idle timeout. `ByteArrivalHandler`, before the HTTP decoder, reports the bytes;
/// the `ConnectionCapHandler` hears when a request is in progress.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What of the current request has arrived.
    private enum Reading {
        /// Nothing since the last request ended.
        case nothing
        /// Bytes of a head, since the given time (or since the earlier requests were answered).
        case head(since: NIODeadline)
        /// The head, and so many body bytes since the given time.
        case body(since: NIODeadline, received: Int)
    }

    private let limits: ConnectionLimits
    private let metrics: WebMetrics
    /// Told when the connection starts and stops answering requests; nil when there is no connection cap.
    private let cap: ConnectionCapHandler?
    private var context: ChannelHandlerContext?
    private var reading = Reading.nothing
    /// Requests whose head has arrived and whose response has not ended.
    private var unanswered = 0
    /// Whether a response head has been written and its end has not.
    private var responding = false
    private var timer: Scheduled<Void>?
    /// Set once a deadline was missed: the connection is closing, later writes are dropped.
    private var expired = false

    init(limits: ConnectionLimits, metrics: WebMetrics, cap: ConnectionCapHandler?) {
        self.limits = limits
        self.metrics = metrics
        self.cap = cap
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    /// Bytes came in (called by `ByteArrivalHandler` before they are decoded): the first of a head starts its clock.
    func bytesArrived() {
        guard !expired, case .nothing = reading else { return }
        reading = .head(since: .now())
        if unanswered == 0 { armHeadTimer() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !expired else { return }
        switch unwrapInboundIn(data) {
        case .head:
            cancelTimer()
            unanswered += 1
            if unanswered == 1 { cap?.setBusy(true) }
            let now = NIODeadline.now()
            reading = .body(since: now, received: 0)
            if let body = limits.bodyTimeout { schedule(at: now + TimeAmount(body)) { $0.bodyTimerFired() } }
        case .body(let buffer):
            if case .body(let since, let received) = reading { reading = .body(since: since, received: received + buffer.readableBytes) }
        case .end:
            cancelTimer()
            reading = .nothing
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !expired else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let response) where response.status.kind != .informational:
            responding = true
        case .end:
            responding = false
            unanswered = max(0, unanswered - 1)
            if unanswered == 0 { cap?.setBusy(false) }
            if unanswered == 0, case .head = reading {
                // The next head's bytes came while the server was answering: its clock starts now.
                reading = .head(since: .now())
                armHeadTimer()
            }
        default:
            break
        }
        context.write(data, promise: promise)
    }

    private func armHeadTimer() {
        guard let head = limits.headTimeout, case .head(let since) = reading else { return }
        cancelTimer()
        schedule(at: since + TimeAmount(head)) { handler in
            guard case .head = handler.reading, handler.unanswered == 0 else { return }
            handler.expire(RequestTimeout(part: .head, seconds: Self.seconds(head), minimumRate: 0))
        }
    }

    /// The body's deadline grows with the bytes received; the timer re-arms until the body is complete or late.
    private func bodyTimerFired() {
        guard let body = limits.bodyTimeout, case .body(let since, let received) = reading else { return }
        let rate = max(1, limits.minimumBodyRate)
        let allowance = TimeAmount(body) + .nanoseconds(Int64(Double(received) / Double(rate) * 1e9))
        let deadline = since + allowance
        if NIODeadline.now() < deadline {
            schedule(at: deadline) { $0.bodyTimerFired() }
            return
        }
        expire(RequestTimeout(part: .body, seconds: Self.seconds(body), minimumRate: rate))
    }

    /// Ends the request: the route's body stream fails, the client gets 408 unless an answer has begun,
    /// and the connection closes.
    private func expire(_ timeout: RequestTimeout) {
        guard let context, !expired else { return }
        cancelTimer()
        // Answer only a request that has had no answer yet: one not yet handed to the router, or one
        // whose route has not begun its response.
        let answer = timeout.part == .head ? unanswered == 0 : unanswered > 0 && !responding
        if timeout.part == .body {
            // The route reading the body counts the refusal (BodyReader maps the error to the same 408).
            context.fireErrorCaught(timeout)
        } else {
            metrics.recordRejection(code: timeout.apiError.code)
        }
        expired = true
        guard answer else {
            context.close(promise: nil)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        timeout.apiError.write(to: context, promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func schedule(at deadline: NIODeadline, _ body: @escaping (RequestDeadlineHandler) -> Void) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            body(self)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
