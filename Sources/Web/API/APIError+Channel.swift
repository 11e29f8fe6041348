import HTTPTypes
import NIOCore
import NIOHTTPTypes

extension APIError {
    /// Writes the error as a whole JSON response that announces `Connection: close`, for channel handlers
    /// that answer outside the router (parser errors, missed deadlines); completes `promise` once written.
    func write(to context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let body = jsonBody
        var fields: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
            .xContentTypeOptions: "nosniff", .contentLength: String(body.count), .connection: "close",
        ]
        fields.append(contentsOf: headers)
        context.write(NIOAny(HTTPResponsePart.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(ByteBuffer(bytes: body))), promise: nil)
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: promise)
    }
}
