import Foundation
import NIOCore

/// One Engine.IO protocol v4 packet (what `socket.io-client` v4 speaks underneath Socket.IO).
/// Pure value: the transports (long-polling, WebSocket) decide how it travels.
package struct EngineIOPacket: Sendable, Equatable {
    package enum PacketType: UInt8, Sendable, CaseIterable {
        case open = 0
        case close = 1
        case ping = 2
        case pong = 3
        case message = 4
        case upgrade = 5
        case noop = 6
    }

    /// Text for every packet type; bytes only for `message` (v4 has no other binary packet).
    package enum Body: Sendable, Equatable {
        case text(String)
        case binary([UInt8])
    }

    package let type: PacketType
    package let body: Body
    /// The text form of a text packet, built once: one packet emitted to many sessions is
    /// written to all of them without re-encoding.
    private let encodedText: String?
    /// The WebSocket frame of a packet sent to many sockets (a room emit): built once, and every
    /// socket writes this same buffer instead of framing and copying the text for itself.
    let sharedFrame: ByteBuffer?

    package init(_ type: PacketType, _ text: String = "") {
        self.type = type
        self.body = .text(text)
        self.encodedText = String(type.rawValue) + text
        self.sharedFrame = nil
    }

    /// A text packet about to go to many sessions (a room emit): its frame is built once.
    package static func broadcast(_ type: PacketType, _ text: String) -> EngineIOPacket {
        let encoded = String(type.rawValue) + text
        let frame = WebSocketFrameBytes.frame(opcode: WebSocketFrameBytes.text, payload: encoded.utf8)
        return EngineIOPacket(type: type, body: .text(text), encodedText: encoded, sharedFrame: frame)
    }

    /// A binary message; over long-polling it is written as `b<base64>`.
    package static func binary(_ bytes: [UInt8]) -> EngineIOPacket {
        EngineIOPacket(type: .message, body: .binary(bytes))
    }

    private init(type: PacketType, body: Body, encodedText: String? = nil, sharedFrame: ByteBuffer? = nil) {
        self.type = type
        self.body = body
        self.encodedText = encodedText
        self.sharedFrame = sharedFrame
    }

    /// Equal when type and body are: the cached text forms follow from them.
    package static func == (lhs: EngineIOPacket, rhs: EngineIOPacket) -> Bool {
        lhs.type == rhs.type && lhs.body == rhs.body
    }

    /// The text, or nil for a binary message.
    package var text: String? { if case .text(let s) = body { s } else { nil } }

    /// Text form: `<type digit><data>`, or `b<base64>` for binary (the only way bytes fit a
    /// text polling body or a text WebSocket frame).
    package func encoded() -> String {
        switch body {
        case .text(let text): encodedText ?? String(type.rawValue) + text
        case .binary(let bytes): "b" + Data(bytes).base64EncodedString()
        }
    }

    /// Reads one packet in text form (a polling record or a text WebSocket frame).
    package init(decoding text: Substring) throws(EngineIOError) {
        guard let first = text.unicodeScalars.first else { throw .emptyPacket }
        if first == "b" {
            let encoded = String(Substring(text.unicodeScalars.dropFirst()))
            guard let data = Data(base64Encoded: encoded) else { throw .invalidBase64 }
            self.init(type: .message, body: .binary(Array(data)))
            return
        }
        guard first.value >= 0x30, let digit = UInt8(exactly: first.value - 0x30), let type = PacketType(rawValue: digit)
        else { throw .unknownPacketType(String(first)) }
        self.init(type: type, body: .text(String(Substring(text.unicodeScalars.dropFirst()))), encodedText: String(text))
    }

    package init(decoding text: String) throws(EngineIOError) {
        try self.init(decoding: Substring(text))
    }
}

/// Why bytes from a client are not Engine.IO; every case is the client's fault, none crash.
package enum EngineIOError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyPacket
    /// The first character is neither a type digit 0–6 nor `b`.
    case unknownPacketType(String)
    case invalidBase64
    /// A polling body longer than the server's advertised `maxPayload` (bytes).
    case payloadTooLarge(size: Int, limit: Int)
    /// A text polling body that is not UTF-8 (byte offset of the first bad byte).
    case invalidUTF8(offset: Int)

    package var description: String {
        switch self {
        case .emptyPacket: "empty Engine.IO packet"
        case .unknownPacketType(let c): "unknown Engine.IO packet type \"\(c)\" (expected 0-6 or b)"
        case .invalidBase64: "binary Engine.IO packet is not valid base64"
        case .payloadTooLarge(let size, let limit): "Engine.IO payload of \(size) bytes exceeds maxPayload \(limit)"
        case .invalidUTF8(let offset): "Engine.IO payload is not valid UTF-8 (byte \(offset))"
        }
    }
}
