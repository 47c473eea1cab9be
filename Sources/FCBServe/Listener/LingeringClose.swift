import NIOCore

/// Closing a connection the server has answered while the client is still sending (an unread
/// body, a refused request) makes the kernel reset it, and a reset can destroy the answer before
/// the client reads it. So: finish writing, stop sending (`shutdown(SHUT_WR)`), and close for
/// good when the client closes or a second later.
enum LingeringClose {
    static let linger: TimeAmount = .seconds(1)

    static func after(_ written: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        written.assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: linger) { context.close(promise: nil) }
        }
    }
}
