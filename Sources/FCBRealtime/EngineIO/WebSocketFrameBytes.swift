import NIOCore

/// RFC 6455 frames as a server writes them: final and unmasked, so a frame is the same bytes for
/// every client and one buffer can go to all of them.
package enum WebSocketFrameBytes {
    package static let text: UInt8 = 0x1
    package static let binary: UInt8 = 0x2
    package static let close: UInt8 = 0x8

    package static func frame(opcode: UInt8, payload: some Collection<UInt8>) -> ByteBuffer {
        let length = payload.count
        var buffer = ByteBuffer()
        buffer.reserveCapacity(length + 10)
        buffer.writeInteger(0x80 | opcode)
        switch length {
        case ..<126: buffer.writeInteger(UInt8(length))
        case ...0xFFFF:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeBytes(payload)
        return buffer
    }

    /// A close frame with its status code (1000 = normal closure).
    package static func close(code: UInt16 = 1000) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(0x80 | close)
        buffer.writeInteger(UInt8(2))
        buffer.writeInteger(code)
        return buffer
    }
}

extension EngineIOPacket {
    /// The packet as one WebSocket frame (text, or binary for bytes); a broadcast packet's frame
    /// was built once for all its sockets.
    package var webSocketFrame: ByteBuffer {
        if let sharedFrame { return sharedFrame }
        switch body {
        case .text: return WebSocketFrameBytes.frame(opcode: WebSocketFrameBytes.text, payload: encoded().utf8)
        case .binary(let bytes): return WebSocketFrameBytes.frame(opcode: WebSocketFrameBytes.binary, payload: bytes)
        }
    }
}
