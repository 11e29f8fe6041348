import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refuses before it becomes a request (a URL and headers over the
/// parser's 80 kB, broken syntax) with the API's JSON error, and closes the connection; without it the
/// client would get a 400 with an empty body. A parser error in the body of a request being answered
/// (a client that closes the connection mid-upload) passes on: the route reading the body answers it.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The most bytes the request line and headers may have together (the HTTP decoder's limit).
    static let headLimit = 80 * 1024

    private let metrics: WebMetrics
    /// Requests whose head has come in and whose response has not ended.
    private var unanswered = 0

    init(metrics: WebMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        let apiError = Self.answer(to: parserError)
        metrics.recordRejection(code: apiError.code)
        // The decoder closes the connection once this returns; the answer is flushed before that.
        apiError.write(to: context, promise: nil)
    }

    /// 400 for every parser error, with a code saying which kind.
    static func answer(to error: HTTPParserError) -> APIError {
        if case .headerOverflow = error {
            return APIError(.badRequest, "request_head_too_large",
                            "the URL and headers of the request are longer than the \(headLimit / 1024) kB this server reads; "
                                + "send large data in the body instead")
        }
        return APIError(.badRequest, "malformed_request", "the request is not valid HTTP/1.1")
    }
}
