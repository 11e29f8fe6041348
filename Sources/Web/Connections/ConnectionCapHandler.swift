import NIOCore

/// The first handler of every connection: counts it against the server's cap (`OpenConnections`, which
/// closes the connection idle longest to make room) and closes it at once, before anything is read, when
/// the cap is reached and no connection is idle, so slow or idle clients cannot use up the process's file
/// descriptors and starve the listening socket. `RequestDeadlineHandler` reports when a request is in progress.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connections: OpenConnections
    private let metrics: WebMetrics
    private var channel: (any Channel)?
    /// Whether the connection was seen active (counted or refused).
    private var admitted = false

    init(connections: OpenConnections, metrics: WebMetrics) {
        self.connections = connections
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        admit(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let channel {
            self.channel = nil
            connections.close(channel)
        }
        context.fireChannelInactive()
    }

    /// Whether a request is being answered on this connection.
    func setBusy(_ busy: Bool) {
        if let channel { connections.setBusy(channel, busy) }
    }

    private func admit(context: ChannelHandlerContext) {
        guard !admitted else { return }
        admitted = true
        if connections.open(context.channel) {
            channel = context.channel
        } else {
            metrics.recordRejection(code: "too_many_connections")
            context.close(promise: nil)
        }
    }
}
