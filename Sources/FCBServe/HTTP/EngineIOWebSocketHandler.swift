import FCBRealtime
import FlowEngine
import NIOCore
import NIOWebSocket

/// The Engine.IO side of an upgraded WebSocket, as a channel handler on the event loop: it
/// reassembles fragmented messages, answers WebSocket pings and closes, and drives the
/// session's `EngineIOWebSocketConnection`. No task lives per connection: packets that need the
/// layers above are queued on the session (`EngineIOServer.enqueue`), and everything the
/// server sends goes out through `ChannelPacketWriter` (docs/realtime.md#memory).
final class EngineIOWebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let engine: EngineIOServer
    private let plan: EngineIOWebSocketPlan
    private var connection: EngineIOWebSocketConnection?
    /// A fragmented message so far, and whether it is text.
    private var fragments: (bytes: ByteBuffer, text: Bool)?
    private var closing = false

    init(engine: EngineIOServer, plan: EngineIOWebSocketPlan) {
        self.engine = engine
        self.plan = plan
    }

    /// A client that stops reading is disconnected once this much waits in its socket's buffer
    /// (the writer's slow-consumer rule, docs/realtime.md#transports).
    static let writeBufferLimit = 1 << 20

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            let outlet = EngineIOFrameOutlet()
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(outlet, position: .before(try pipeline.handler(type: WebSocketFrameEncoder.self)))
            let limit = Self.writeBufferLimit
            context.channel.setOption(ChannelOptions.writeBufferWaterMark, value: .init(low: limit / 2, high: limit)).whenFailure { _ in }
            connection = engine.acceptWebSocket(plan, writer: ChannelPacketWriter(outlet: try pipeline.context(handler: outlet)))
        } catch {
            engine.logger.debug("engine.io: cannot set up a WebSocket", metadata: ["error": .string("\(error)")])
        }
        if connection == nil { close(context, code: .normalClosure) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            // Echo the close (its code only) and end the connection.
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            close(context, code: code)
        case .ping:
            guard !closing else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .text, .binary:
            guard fragments == nil else { return protocolError(context, "a new message started inside a fragmented one") }
            if frame.fin {
                deliver(context, frame.unmaskedData, text: frame.opcode == .text)
            } else {
                fragments = (frame.unmaskedData, frame.opcode == .text)
            }
        case .continuation:
            guard let (started, text) = fragments else { return protocolError(context, "a continuation frame without a message") }
            var bytes = started
            var data = frame.unmaskedData
            guard bytes.readableBytes + data.readableBytes <= engine.settings.maxPayload else {
                return protocolError(context, "a message larger than maxPayload")
            }
            bytes.writeBuffer(&data)
            fragments = frame.fin ? nil : (bytes, text)
            if frame.fin { deliver(context, bytes, text: text) }
        default:
            protocolError(context, "an unknown WebSocket opcode")
        }
    }

    private func deliver(_ context: ChannelHandlerContext, _ bytes: ByteBuffer, text: Bool) {
        guard let connection, !closing else { return }
        let message: EngineIOFrame
        if text {
            let utf8 = Array(bytes.readableBytesView)
            guard EncodingCheck.firstInvalidUTF8Offset(utf8) == nil else { return protocolError(context, "a text message that is not UTF-8") }
            message = .text(String(decoding: utf8, as: UTF8.self))
        } else {
            message = .binary(Array(bytes.readableBytesView))
        }
        switch connection.received(message) {
        case .next: break
        case .process(let packet): engine.enqueue(packet, from: connection.session)
        case .stop:
            connection.ended(.protocolError)
            self.connection = nil
            close(context, code: .normalClosure)
        }
    }

    private func protocolError(_ context: ChannelHandlerContext, _ reason: String) {
        engine.logger.debug("engine.io: closing a WebSocket", metadata: ["reason": .string(reason)])
        connection?.ended(.protocolError)
        connection = nil
        close(context, code: .protocolError)
    }

    /// A close frame, then the connection closes once it is written.
    private func close(_ context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection?.ended(closing ? .clientClose : .transportError)
        connection = nil
        context.fireChannelInactive()
    }

    /// The listeners allow half-closed connections: a client that goes away (FIN) only closes
    /// the input, and this ends the rest.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            connection?.ended(.clientClose)
            connection = nil
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection?.ended(.transportError)
        connection = nil
        context.close(promise: nil)
    }
}
