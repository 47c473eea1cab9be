import NIOCore
import NIOHTTP1

/// One connection: collects a request, asks the state how to answer, answers (now, later, or
/// never). Runs on the connection's event loop.
final class FakeGraphHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Larger bodies are refused with 413 (the fake is a test tool, not a store).
    static let maxBodyBytes = 64 << 20

    private let state: FakeGraphState
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(state: FakeGraphState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            tooLarge = false
        case .body(let buffer):
            if body.count + buffer.readableBytes > Self.maxBodyBytes {
                tooLarge = true
            } else {
                body.append(contentsOf: buffer.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            if tooLarge {
                write(context, status: 413, body: Array("body larger than 64 MiB".utf8), contentType: "text/plain", keepAlive: false)
                return
            }
            if let answer = state.controlAnswer(method: head.method.rawValue, uri: head.uri, body: body) {
                write(context, status: answer.status, body: answer.body, contentType: "application/json", keepAlive: head.isKeepAlive)
                return
            }
            let headers = head.headers.map { FakeGraphRequest.Header(name: $0.name, value: $0.value) }
            let (sequence, plan) = state.receive(method: head.method.rawValue, uri: head.uri, headers: headers, body: body)
            execute(plan, sequence: sequence, context: context, keepAlive: head.isKeepAlive)
        }
    }

    private func execute(_ plan: FakeGraphState.Plan, sequence: Int, context: ChannelHandlerContext, keepAlive: Bool) {
        switch plan {
        case .respond(let delay, let status, let body, let contentType):
            later(delay, context) { handler, context in
                // Marked answered before the bytes leave: a client that reacts to the answer with
                // a new request must never find this one still counted as in flight.
                handler.state.answered(sequence, status: status)
                handler.write(context, status: status, body: body, contentType: contentType, keepAlive: keepAlive)
            }
        case .drop(let delay):
            later(delay, context) { handler, context in
                handler.state.answered(sequence, status: nil)
                context.close(promise: nil)
            }
        case .hold:
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            state.hold(sequence) {
                eventLoop.execute {
                    let (handler, context) = bound.value
                    guard context.channel.isActive else { return }
                    handler.answerHeld(sequence: sequence, context: context, keepAlive: keepAlive)
                }
            }
        }
    }

    /// A held request is answered as if no rule had matched.
    private func answerHeld(sequence: Int, context: ChannelHandlerContext, keepAlive: Bool) {
        guard let request = state.requests.last(where: { $0.sequence == sequence }) else { return }
        let plan = state.successPlan(for: request)
        execute(plan, sequence: sequence, context: context, keepAlive: keepAlive)
    }

    private func later(_ milliseconds: Int, _ context: ChannelHandlerContext, _ action: @escaping (FakeGraphHandler, ChannelHandlerContext) -> Void) {
        if milliseconds <= 0 {
            action(self, context)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) {
            guard context.channel.isActive else { return }
            action(self, context)
        }
    }

    private func write(_ context: ChannelHandlerContext, status: Int, body: [UInt8], contentType: String, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.count))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
