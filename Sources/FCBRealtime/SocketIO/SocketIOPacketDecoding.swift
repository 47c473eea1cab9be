import FlowEngine

/// Why a client's Socket.IO packet was refused. Each malformed shape has its own case so a
/// server can log it precisely and close the connection instead of guessing.
package enum SocketIOPacketError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyPacket
    case nonNumericType(String)
    case unknownType(UInt8)
    /// BINARY_EVENT / BINARY_ACK: attachments arrive as separate frames, which this server does not reassemble.
    case binaryNotSupported
    /// A namespace (`/…`) not closed by `,`.
    case namespaceWithoutComma
    case ackIdOverflow
    case invalidJSON(JSONSyntaxError)
    /// The JSON is well formed but not what the packet type requires.
    case invalidPayload(type: SocketIOPacket.PacketType, reason: String)

    package var description: String {
        switch self {
        case .emptyPacket: "empty Socket.IO packet"
        case .nonNumericType(let c): "Socket.IO packet type \"\(c)\" is not a number"
        case .unknownType(let t): "unknown Socket.IO packet type \(t)"
        case .binaryNotSupported: "binary packets are not supported"
        case .namespaceWithoutComma: "Socket.IO namespace is not followed by \",\""
        case .ackIdOverflow: "Socket.IO ack id is too large"
        case .invalidJSON(let error): "Socket.IO packet data is not JSON: \(error.message)"
        case .invalidPayload(let type, let reason): "invalid \(type) payload: \(reason)"
        }
    }
}

extension SocketIOPacket {
    /// Deep enough for any real event argument, shallow enough that nesting is no attack.
    package static let defaultMaxDepth = 32

    /// Event names the client library uses itself; a peer may not emit them (as in socket.io-parser).
    package static let reservedEventNames: Set<String> = [
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    ]

    /// Reads the text of an Engine.IO message. Sizes are bounded by the Engine.IO layer's
    /// `maxPayload`; nesting by `maxDepth`.
    package init(decoding text: String, maxDepth: Int = SocketIOPacket.defaultMaxDepth) throws(SocketIOPacketError) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { throw .emptyPacket }
        guard (0x30...0x39).contains(first) else {
            throw .nonNumericType(text.unicodeScalars.first.map { String($0) } ?? "")
        }
        guard let type = PacketType(rawValue: first - 0x30) else { throw .unknownType(first - 0x30) }
        if type.isBinary { throw .binaryNotSupported }

        var i = 1
        var namespace = SocketIOPacket.mainNamespace
        if i < bytes.count, bytes[i] == UInt8(ascii: "/") {
            guard let comma = bytes[i...].firstIndex(of: UInt8(ascii: ",")) else { throw .namespaceWithoutComma }
            namespace = String(decoding: bytes[i..<comma], as: UTF8.self)
            i = comma + 1
        }

        var ackId: Int?
        while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
            let (shifted, o1) = (ackId ?? 0).multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int(bytes[i] - 0x30))
            guard !o1, !o2, sum <= SocketIOPacket.maxAckId else { throw .ackIdOverflow }
            ackId = sum
            i += 1
        }

        var data: JSONValue?
        if i < bytes.count {
            do {
                data = try JSONParser(maxDepth: maxDepth).parse(Array(bytes[i...])).jsonValue
            } catch {
                throw .invalidJSON(error)
            }
        }
        try SocketIOPacket.validate(type, data)
        if type == .ack, ackId == nil { throw .invalidPayload(type: type, reason: "ACK needs an ack id") }
        self.init(type, namespace: namespace, ackId: ackId, data: data)
    }

    /// The payload shapes socket.io-parser accepts for each type.
    private static func validate(_ type: PacketType, _ data: JSONValue?) throws(SocketIOPacketError) {
        switch type {
        case .connect:
            guard data == nil || data?.objectValue != nil else {
                throw .invalidPayload(type: type, reason: "CONNECT data must be an object")
            }
        case .disconnect:
            guard data == nil else { throw .invalidPayload(type: type, reason: "DISCONNECT carries no data") }
        case .event:
            guard let items = data?.arrayValue, let name = items.first?.stringValue else {
                throw .invalidPayload(type: type, reason: "EVENT data must be an array starting with the event name")
            }
            guard !reservedEventNames.contains(name) else {
                throw .invalidPayload(type: type, reason: "\"\(name)\" is a reserved event name")
            }
        case .ack:
            guard data?.arrayValue != nil else { throw .invalidPayload(type: type, reason: "ACK data must be an array") }
        case .connectError:
            guard data?.objectValue != nil || data?.stringValue != nil else {
                throw .invalidPayload(type: type, reason: "CONNECT_ERROR data must be an object or a string")
            }
        case .binaryEvent, .binaryAck:
            throw .binaryNotSupported
        }
    }
}
