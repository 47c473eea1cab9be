import FlowEngine

/// Why a client's Socket.IO packet was refused. Each malformed shape has its own case so a
/// server can log it precisely and close the connection instead of guessing.
package enum SocketIOPacketError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyPacket
    case nonNumericType(String)
    case unknownType(UInt8)
    /// BINARY_EVENT / BINARY_ACK whose attachment count is not digits followed by `-`.
    case invalidAttachmentCount
    /// More attachments announced than the server accepts for one packet.
    case tooManyAttachments(announced: Int, limit: Int)
    /// A `{"_placeholder":true,"num":N}` whose `num` is not one of the packet's attachments.
    case invalidPlaceholder
    case ackIdOverflow
    case invalidJSON(JSONSyntaxError)
    /// The JSON is well formed but not what the packet type requires.
    case invalidPayload(type: SocketIOPacket.PacketType, reason: String)

    package var description: String {
        switch self {
        case .emptyPacket: "empty Socket.IO packet"
        case .nonNumericType(let c): "Socket.IO packet type \"\(c)\" is not a number"
        case .unknownType(let t): "unknown Socket.IO packet type \(t)"
        case .invalidAttachmentCount: "a binary Socket.IO packet must start with its attachment count and \"-\""
        case .tooManyAttachments(let announced, let limit): "a Socket.IO packet announced \(announced) attachments; at most \(limit) are accepted"
        case .invalidPlaceholder: "a binary placeholder names an attachment the packet does not have"
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

    /// Reads the text of an Engine.IO message, as socket.io-parser does: the attachment count of
    /// a binary packet, then a namespace (`/…` up to `,` or the end of the packet), an ack id,
    /// and JSON data. Sizes are bounded by the Engine.IO layer's `maxPayload`, nesting by
    /// `maxDepth`, attachments by `maxAttachments`. A binary packet's placeholders are checked
    /// against its count; the attachments themselves follow as separate binary messages.
    package init(
        decoding text: String, maxDepth: Int = SocketIOPacket.defaultMaxDepth, maxAttachments: Int = SocketIOPacket.defaultMaxAttachments
    ) throws(SocketIOPacketError) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { throw .emptyPacket }
        guard (0x30...0x39).contains(first) else {
            throw .nonNumericType(text.unicodeScalars.first.map { String($0) } ?? "")
        }
        guard let type = PacketType(rawValue: first - 0x30) else { throw .unknownType(first - 0x30) }

        var i = 1
        var attachments = 0
        if type.isBinary {
            let start = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
                attachments = attachments * 10 + Int(bytes[i] - 0x30)
                guard attachments <= maxAttachments else { throw .tooManyAttachments(announced: attachments, limit: maxAttachments) }
                i += 1
            }
            guard i > start, i < bytes.count, bytes[i] == UInt8(ascii: "-") else { throw .invalidAttachmentCount }
            i += 1
        }

        var namespace = SocketIOPacket.mainNamespace
        if i < bytes.count, bytes[i] == UInt8(ascii: "/") {
            // No comma means the namespace runs to the end (`40/custom`), as in socket.io-parser.
            let end = bytes[i...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.count
            namespace = String(decoding: bytes[i..<end], as: UTF8.self)
            i = min(end + 1, bytes.count)
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
        if type == .ack || type == .binaryAck, ackId == nil { throw .invalidPayload(type: type, reason: "ACK needs an ack id") }
        if type.isBinary, let data, !SocketIOAttachments.placeholdersAreValid(in: data, count: attachments) {
            throw .invalidPlaceholder
        }
        self.init(type, namespace: namespace, ackId: ackId, data: data, attachments: attachments)
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
        case .event, .binaryEvent:
            guard let items = data?.arrayValue, let name = items.first?.stringValue else {
                throw .invalidPayload(type: type, reason: "EVENT data must be an array starting with the event name")
            }
            guard !reservedEventNames.contains(name) else {
                throw .invalidPayload(type: type, reason: "\"\(name)\" is a reserved event name")
            }
        case .ack, .binaryAck:
            guard data?.arrayValue != nil else { throw .invalidPayload(type: type, reason: "ACK data must be an array") }
        case .connectError:
            guard data?.objectValue != nil || data?.stringValue != nil else {
                throw .invalidPayload(type: type, reason: "CONNECT_ERROR data must be an object or a string")
            }
        }
    }
}
