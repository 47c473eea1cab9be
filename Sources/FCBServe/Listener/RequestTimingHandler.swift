import NIOCore
import NIOHTTP1

/// Sits right after the HTTP/1 decoder and holds every request to the listener's clock
/// (docs/serve.md#listener-limits):
/// - a request head must be complete ``ListenerLimits/headerTimeout`` after the connection opens,
///   the next one ``ListenerLimits/idleTimeout`` after the previous response, and its body
///   ``ListenerLimits/bodyTimeout`` after the head — else the connection is closed (408 when a
///   body stalls and no answer has started);
/// - a request the decoder cannot parse gets its 4xx (400, 405, 413, 431) and the connection is
///   closed at once, instead of waiting for the client;
/// - a response that says `Connection: close` closes the connection once written, so an unread
///   body (an early refusal) is not drained;
/// - at a graceful shutdown an idle connection is closed, one with a request under way after
///   its answer.
///
/// A WebSocket upgrade request removes the handler: frames follow, and Engine.IO has its own clock.
final class RequestTimingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        /// Waiting for the next request head.
        case awaitingHead
        case readingBody
        /// The request is read; its answer is being produced.
        case answering
    }

    private let limits: ListenerLimits
    private let activity: ConnectionActivity
    private var phase = Phase.awaitingHead
    private var timer: Scheduled<Void>?
    private var responseStarted = false
    /// Requests read whose answer is not written yet (a pipelining client sends the next early).
    private var unanswered = 0
    private var closeAfterResponse = false
    private var shuttingDown = false
    /// The connection's last answer is written and it is closing: nothing more is read.
    private var lingering = false

    init(limits: ListenerLimits, activity: ConnectionActivity) {
        self.limits = limits
        self.activity = activity
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context, limits.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !lingering else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            activity.bytesSinceHead = false
            responseStarted = false
            if head.headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }) {
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
            phase = .readingBody
            unanswered += 1
            arm(context, limits.bodyTimeout)
        case .body:
            break
        case .end:
            phase = .answering
            disarm()
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !lingering else { return }
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if responseStarted {
            context.close(promise: nil)
        } else if activity.firstByte == Self.tlsHandshakeByte {
            answerAndClose(context, status: .badRequest, message: "This port serves plain HTTP, not HTTPS: use http://, or give fcb TLS_CERT and TLS_KEY")
        } else {
            answerAndClose(context, status: Self.status(for: parserError))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Handled here, not passed on: Hummingbird would close a connection without a request
        // at once, even one whose request is on its way.
        shuttingDown = true
        closeAfterResponse = true
        if case .awaitingHead = phase {
            if activity.bytesSinceHead {
                // A request is arriving: it is answered (its head timer still runs), then closed.
            } else {
                // A client that connected as the shutdown began may be about to send its
                // request: a short grace, then the connection closes.
                arm(context, .milliseconds(500))
            }
        }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            responseStarted = true
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if closeAfterResponse {
                lingering = true
                disarm()
                let written = context.writeAndFlush(data)
                if let promise { written.cascade(to: promise) }
                LingeringClose.after(written, context: context)
                return
            }
            context.write(data, promise: promise)
            unanswered = max(0, unanswered - 1)
            if case .answering = phase, unanswered == 0 {
                phase = .awaitingHead
                arm(context, limits.idleTimeout)
            }
        }
    }

    // MARK: Timers

    private func arm(_ context: ChannelHandlerContext, _ duration: Duration) {
        timer?.cancel()
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
            timer = nil
            expire(context)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    private func expire(_ context: ChannelHandlerContext) {
        switch phase {
        case .awaitingHead:
            // A head on its way at a shutdown gets the rest of its header timeout.
            if shuttingDown, activity.bytesSinceHead {
                arm(context, limits.headerTimeout)
                activity.bytesSinceHead = false
                return
            }
            context.close(promise: nil)
        case .readingBody:
            if responseStarted {
                context.close(promise: nil)
            } else {
                answerAndClose(context, status: .requestTimeout, message: "The request body did not arrive in time")
            }
        case .answering:
            break
        }
    }

    // MARK: Answers

    static let tlsHandshakeByte: UInt8 = 0x16

    static func status(for error: HTTPParserError) -> HTTPResponseStatus {
        switch error {
        case .headerOverflow: .requestHeaderFieldsTooLarge
        case .invalidMethod: .methodNotAllowed
        default: .badRequest
        }
    }

    private func answerAndClose(_ context: ChannelHandlerContext, status: HTTPResponseStatus, message: String? = nil) {
        disarm()
        responseStarted = true
        let text = message ?? Self.message(for: status)
        let body = context.channel.allocator.buffer(string: #"{"error":"\#(text)"}"#)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: "\(body.readableBytes)")
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        lingering = true
        LingeringClose.after(context.writeAndFlush(wrapOutboundOut(.end(nil))), context: context)
    }

    static func message(for status: HTTPResponseStatus) -> String {
        switch status {
        case .requestHeaderFieldsTooLarge: "The request's headers are too large"
        case .methodNotAllowed: "The request's method is not one HTTP defines"
        default: "The request is not valid HTTP/1.1"
        }
    }
}
