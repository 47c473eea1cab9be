import NIOCore

/// What the two handlers of one connection share (same event loop, so no locking): whether bytes
/// arrived since the last request head — a request may be on its way.
final class ConnectionActivity {
    var bytesSinceHead = false
    /// The connection's first byte: 0x16 opens a TLS handshake.
    var firstByte: UInt8?
}

/// First in a connection's pipeline, on raw bytes (TLS records on HTTPS): admits the connection
/// through the listener's ``ConnectionGate`` or refuses it — 503 on plain HTTP, a close on HTTPS,
/// whose handshake has not happened — and notes that bytes arrived.
final class ConnectionGateHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let gate: ConnectionGate
    private let activity: ConnectionActivity
    private let answersPlainHTTP: Bool
    private enum Admission { case pending, admitted, refused, released }
    private var admission = Admission.pending

    init(gate: ConnectionGate, activity: ConnectionActivity, answersPlainHTTP: Bool) {
        self.gate = gate
        self.activity = activity
        self.answersPlainHTTP = answersPlainHTTP
    }

    static let refusal: String = {
        let body = #"{"error":"Too many connections are open; try again shortly"}"#
        return "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: \(body.utf8.count)\r\n"
            + "retry-after: 1\r\nconnection: close\r\n\r\n" + body
    }()

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard admission == .pending else { return }
        if gate.admit() {
            admission = .admitted
            return
        }
        admission = .refused
        if answersPlainHTTP {
            let buffer = context.channel.allocator.buffer(string: Self.refusal)
            LingeringClose.after(context.writeAndFlush(wrapOutboundOut(buffer)), context: context)
        } else {
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admission == .admitted else { return }  // a refused connection's request is not read
        activity.bytesSinceHead = true
        if activity.firstByte == nil { activity.firstByte = unwrapInboundIn(data).readableBytesView.first }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        releaseOnce()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        releaseOnce()
    }

    private func releaseOnce() {
        if admission == .admitted { gate.release() }
        if admission != .refused { admission = .released }
    }
}
