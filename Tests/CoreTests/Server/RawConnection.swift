import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP client for listener tests: writes raw bytes, collects what the server sends until
/// it closes the connection.
struct RawConnection {
    /// Its own loop, apart from the servers under test and from other suites.
    static let clientLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    let channel: any Channel
    private let collector: Collector

    /// Collects on the channel's event loop; the test reads once the channel is closed.
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let text = Mutex("")
        /// Taken on the event loop, so a busy test process does not distort the durations.
        let openedAt = Mutex(NIODeadline.now())
        let lastSentAt = Mutex<NIODeadline?>(nil)
        let closedAt = Mutex<NIODeadline?>(nil)
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

        func channelActive(context: ChannelHandlerContext) {
            openedAt.withLock { $0 = .now() }
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            closedAt.withLock { $0 = .now() }
            closed.succeed()
        }
    }

    static func open(port: Int) async throws -> RawConnection {
        let loop = Self.clientLoops.next()
        let collector = Collector(closed: loop.makePromise())
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// What the server sent until it closed, and how long after the last write (or the
    /// connection's opening) it closed.
    struct Ending: Sendable {
        let text: String
        let seconds: Double

        var statusLine: String { text.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? "" }
    }

    func send(_ text: String) async throws {
        try await send(ByteBuffer(string: text))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await send(ByteBuffer(bytes: bytes))
    }

    private func send(_ buffer: ByteBuffer) async throws {
        let collector = collector
        try await channel.writeAndFlush(buffer).map { collector.lastSentAt.withLock { $0 = .now() } }.get()
    }

    /// Waits for the server to close the connection; nil when it did not close within `seconds`
    /// of the last write (measured on the event loop; the wait itself allows for a busy machine).
    func untilClosed(within seconds: Double) async throws -> Ending? {
        let limit = TimeAmount.milliseconds(Int64(seconds * 1000))
        let reference = collector.lastSentAt.withLock { $0 } ?? collector.openedAt.withLock { $0 }
        let deadline = channel.eventLoop.scheduleTask(deadline: reference + limit + .seconds(20)) {}
        let closedInTime = try await withThrowingTaskGroup(of: Bool.self) { group in
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
        try? await collector.closed.futureResult.get()
        guard closedInTime, let closedAt = collector.closedAt.withLock({ $0 }), closedAt - reference <= limit else { return nil }
        let elapsed = closedAt - reference
        return Ending(text: collector.text.withLock { $0 }, seconds: Double(elapsed.nanoseconds) / 1e9)
    }

    func close() {
        channel.close(promise: nil)
    }
}
