import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import FCBRealtime
@testable import FCBServe

/// The WebSocket glue's writer on an in-memory channel with the real frame encoder: what goes
/// on the wire for a batch of packets.
@Suite("Socket.IO route: packets onto the WebSocket channel")
struct ChannelPacketWriterTests {
    /// Counts flushes reaching the socket end of the pipeline.
    final class FlushCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var flushes = 0

        func flush(context: ChannelHandlerContext) {
            flushes += 1
            context.flush()
        }
    }

    struct Frame: Equatable {
        var fin: Bool
        var masked: Bool
        var opcode: UInt8
        var payload: [UInt8]
    }

    /// Server frames as RFC 6455 lays them out (payloads here are short: 7-bit or 16-bit length).
    static func frames(_ bytes: [UInt8]) throws -> [Frame] {
        var frames: [Frame] = []
        var i = 0
        while i < bytes.count {
            try #require(i + 2 <= bytes.count)
            let fin = bytes[i] & 0x80 != 0
            let opcode = bytes[i] & 0x0F
            let masked = bytes[i + 1] & 0x80 != 0
            var length = Int(bytes[i + 1] & 0x7F)
            i += 2
            if length == 126 {
                try #require(i + 2 <= bytes.count)
                length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
                i += 2
            }
            try #require(i + length <= bytes.count)
            frames.append(Frame(fin: fin, masked: masked, opcode: opcode, payload: Array(bytes[i..<(i + length)])))
            i += length
        }
        return frames
    }

    @Test("a batch is written as one final, unmasked frame per packet, in order, with one flush, below the frame encoder")
    func batch() throws {
        let counter = FlushCounter()
        let channel = EmbeddedChannel()
        let outlet = EngineIOFrameOutlet()
        try channel.pipeline.syncOperations.addHandlers([counter, outlet, WebSocketFrameEncoder()])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let writer = ChannelPacketWriter(outlet: try channel.pipeline.syncOperations.context(handler: outlet))
        let long = String(repeating: "x", count: 300)
        let packets = [EngineIOPacket(.message, #"2["a"]"#), EngineIOPacket(.ping), .binary([1, 2, 3]), EngineIOPacket(.message, long)]
        writer.write(packets)
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 1)
        #expect(writer.unwrittenPackets == 0)
        var bytes: [UInt8] = []
        while let part = try channel.readOutbound(as: ByteBuffer.self) { bytes += part.readableBytesView }
        let frames = try Self.frames(bytes)
        #expect(
            frames == [
                Frame(fin: true, masked: false, opcode: 0x1, payload: Array(#"42["a"]"#.utf8)),
                Frame(fin: true, masked: false, opcode: 0x1, payload: Array("2".utf8)),
                Frame(fin: true, masked: false, opcode: 0x2, payload: [1, 2, 3]),
                Frame(fin: true, masked: false, opcode: 0x1, payload: Array(("4" + long).utf8)),
            ])

        // The next batch is flushed on its own; nothing is left counted as unwritten.
        writer.write([EngineIOPacket(.noop)])
        writer.write([])
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 2)
        #expect(writer.unwrittenPackets == 0)
        var more: [UInt8] = []
        while let part = try channel.readOutbound(as: ByteBuffer.self) { more += part.readableBytesView }
        #expect(try Self.frames(more) == [Frame(fin: true, masked: false, opcode: 0x1, payload: Array("6".utf8))])
        _ = try channel.finish()
    }

    @Test("prepared frames decode with NIO's own WebSocket decoder at every length encoding", arguments: [0, 125, 126, 65_535, 65_536, 70_000])
    func framesDecode(length: Int) throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        let text = String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2)
        try channel.writeInbound(EngineIOPacket(.message, text).webSocketFrame)
        try channel.writeInbound(EngineIOPacket.binary([1, 2, 3]).webSocketFrame)
        try channel.writeInbound(WebSocketFrameBytes.close())
        let textFrame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(textFrame.fin && textFrame.opcode == .text && textFrame.maskKey == nil)
        #expect(String(buffer: textFrame.data) == "4" + text)
        let binaryFrame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(binaryFrame.opcode == .binary && Array(binaryFrame.data.readableBytesView) == [1, 2, 3])
        var close = try #require(try channel.readInbound(as: WebSocketFrame.self)).data
        #expect(close.readWebSocketErrorCode() == .normalClosure)
        _ = try channel.finish()
    }

    @Test("a room emit's frame is built once: every socket writes the same bytes, and one loop hop serves all of a loop's sockets")
    func broadcastFrame() throws {
        let loop = EmbeddedEventLoop()
        var channels: [(EmbeddedChannel, ChannelPacketWriter)] = []
        for _ in 0..<3 {
            let channel = EmbeddedChannel(loop: loop)
            let outlet = EngineIOFrameOutlet()
            try channel.pipeline.syncOperations.addHandlers([outlet, WebSocketFrameEncoder()])
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            channels.append((channel, ChannelPacketWriter(outlet: try channel.pipeline.syncOperations.context(handler: outlet))))
        }
        let packet = EngineIOPacket.broadcast(.message, #"2["message:new",{"id":"m1"}]"#)
        for (_, writer) in channels { writer.write([packet]) }
        #expect(channels.allSatisfy { $0.1.unwrittenPackets == 1 })
        loop.run()
        for (channel, writer) in channels {
            let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(written == packet.webSocketFrame)
            #expect(try Self.frames(Array(written.readableBytesView)) == [Frame(fin: true, masked: false, opcode: 0x1, payload: Array(packet.encoded().utf8))])
            #expect(writer.unwrittenPackets == 0)
            _ = try channel.finish()
        }
    }

    @Test("writes to a closed channel fail quietly and are not left counted")
    func closedChannel() throws {
        let channel = EmbeddedChannel()
        let outlet = EngineIOFrameOutlet()
        try channel.pipeline.syncOperations.addHandlers([outlet, WebSocketFrameEncoder()])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let writer = ChannelPacketWriter(outlet: try channel.pipeline.syncOperations.context(handler: outlet))
        _ = try channel.finish()
        writer.write([EngineIOPacket(.message, "x"), EngineIOPacket(.message, "y")])
        channel.embeddedEventLoop.run()
        #expect(writer.unwrittenPackets == 0)
    }
}
