import FCBRealtime
import NIOCore
import Synchronization

/// Writes Engine.IO packets onto an upgraded WebSocket channel without a task per packet or per
/// socket (docs/realtime.md#fan-out):
/// - each packet is one final, unmasked frame, prepared as bytes (a room emit's frame is built
///   once, and every socket writes that same buffer);
/// - the frames enter the pipeline at the `EngineIOFrameOutlet`, below the frame encoder, so
///   they pass no handler that has nothing to do with them;
/// - writes from other threads go through the event loop's `EventLoopWriteQueue`: one hop to
///   the loop for all the sockets an emit reaches there, each socket's frames flushed at once
///   (one `writev`).
final class ChannelPacketWriter: EngineIOPacketWriter {
    let channel: any Channel
    private let outlet: NIOLoopBound<ChannelHandlerContext>
    private let queue: EventLoopWriteQueue
    /// Packets handed to `write` and not yet written to the channel.
    private let queued = Atomic<Int>(0)

    /// Counted as waiting packets while the channel is not writable (more than its high water
    /// mark is buffered: the client is not reading), so the slow-consumer rule applies at once.
    static let backlogged = 1 << 30

    /// - Parameter outlet: the `EngineIOFrameOutlet`'s context; created on the channel's loop.
    init(outlet: ChannelHandlerContext) {
        self.channel = outlet.channel
        self.outlet = NIOLoopBound(outlet, eventLoop: outlet.eventLoop)
        self.queue = EventLoopWriteQueue.shared(for: outlet.eventLoop)
    }

    var unwrittenPackets: Int { queued.load(ordering: .relaxed) + (channel.isWritable ? 0 : Self.backlogged) }

    func write(_ packets: [EngineIOPacket]) {
        guard !packets.isEmpty else { return }
        queued.add(packets.count, ordering: .relaxed)
        queue.enqueue(self, packets.map(\.webSocketFrame))
    }

    /// On the loop: the frames, then one flush.
    func writeNow(_ frames: [ByteBuffer]) {
        let context = outlet.value
        for frame in frames { context.write(NIOAny(frame), promise: nil) }
        context.flush()
        queued.subtract(frames.count, ordering: .relaxed)
    }

    /// A close frame (1000) after what was written, then the connection closes: whoever reads
    /// the WebSocket sees its end.
    func close() {
        let (channel, outlet) = (self.channel, self.outlet)
        queue.eventLoop.execute {
            outlet.value.writeAndFlush(NIOAny(WebSocketFrameBytes.close())).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Where a `ChannelPacketWriter`'s frames enter the pipeline: right below the WebSocket frame
/// encoder, so prepared frames skip it. Everything passes through unchanged.
final class EngineIOFrameOutlet: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
}

/// Writes for the channels of one event loop, gathered from any thread and done in one hop to
/// the loop: an emit to thousands of sockets costs a task on each loop, not one per socket.
/// Writers are written in the order they were queued, so each socket's packets keep theirs.
final class EventLoopWriteQueue: Sendable {
    let eventLoop: any EventLoop
    private let pending = Mutex<(items: [(ChannelPacketWriter, [ByteBuffer])], scheduled: Bool)>(([], false))

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    private static let queues = Mutex<[ObjectIdentifier: EventLoopWriteQueue]>([:])

    /// The one queue of `eventLoop` (event loops live as long as the process).
    static func shared(for eventLoop: any EventLoop) -> EventLoopWriteQueue {
        queues.withLock { queues in
            if let queue = queues[ObjectIdentifier(eventLoop)] { return queue }
            let queue = EventLoopWriteQueue(eventLoop: eventLoop)
            queues[ObjectIdentifier(eventLoop)] = queue
            return queue
        }
    }

    func enqueue(_ writer: ChannelPacketWriter, _ frames: [ByteBuffer]) {
        let schedule = pending.withLock { p -> Bool in
            p.items.append((writer, frames))
            defer { p.scheduled = true }
            return !p.scheduled
        }
        if schedule { eventLoop.execute { self.drain() } }
    }

    private func drain() {
        let items = pending.withLock { p -> [(ChannelPacketWriter, [ByteBuffer])] in
            defer {
                p.items = []
                p.scheduled = false
            }
            return p.items
        }
        for (writer, frames) in items { writer.writeNow(frames) }
    }
}
