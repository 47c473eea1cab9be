import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP client for listener tests: writes raw bytes, collects what the server sends until
/// it closes the connection.
struct RawConnection {
    let channel: any Channel
    private let collector: Collector

    /// Collects on the channel's event loop; the test reads once the channel is closed.
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let text = Mutex("")
        let closed: EventLoopPromise<Void>

        init(closed: EventLoopPromise<Void>) { self.closed = closed }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            text.withLock { $0 += String(buffer: buffer) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            text.withLock { $0 += "<reset>" }
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.succeed()
        }
    }

    static func open(port: Int) async throws -> RawConnection {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let collector = Collector(closed: loop.makePromise())
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// What the server sent until it closed, and how long that took after the call.
    struct Ending: Sendable {
        let text: String
        let seconds: Double

        var statusLine: String { text.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? "" }
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Waits for the server to close the connection, at most `seconds`; nil when it had not (the
    /// connection is then closed here).
    func untilClosed(within seconds: Double) async throws -> Ending? {
        let started = ContinuousClock.now
        let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {}
        let closedFirst = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [collector] in
                try await collector.closed.futureResult.get()
                return true
            }
            group.addTask {
                try? await deadline.futureResult.get()
                return false
            }
            let first = try await group.next() ?? false
            deadline.cancel()
            if !first { channel.close(promise: nil) }
            group.cancelAll()
            return first
        }
        guard closedFirst else {
            try? await collector.closed.futureResult.get()
            return nil
        }
        let elapsed = ContinuousClock.now - started
        return Ending(
            text: collector.text.withLock { $0 }, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    func close() {
        channel.close(promise: nil)
    }
}
