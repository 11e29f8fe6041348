import NIOCore

/// Sits before the HTTP decoder and tells the `RequestDeadlineHandler` of the same connection when bytes
/// arrive, so a request head's deadline can start at its first byte (the decoder says nothing until the
/// head is complete).
final class ByteArrivalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: RequestDeadlineHandler

    init(deadlines: RequestDeadlineHandler) {
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}
