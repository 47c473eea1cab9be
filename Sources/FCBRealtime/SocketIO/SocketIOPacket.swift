import FlowEngine

/// One Socket.IO protocol v5 packet, carried as the text of an Engine.IO `message`.
/// Wire form: `<type>[<#attachments>-][<namespace>,][<ack id>][JSON data]`.
package struct SocketIOPacket: Sendable, Equatable {
    package enum PacketType: UInt8, Sendable, CaseIterable {
        case connect = 0
        case disconnect = 1
        case event = 2
        case ack = 3
        case connectError = 4
        case binaryEvent = 5
        case binaryAck = 6

        package var isBinary: Bool { self == .binaryEvent || self == .binaryAck }
    }

    /// The namespace every client joins when it names none; omitted on the wire.
    package static let mainNamespace = "/"

    /// Ack ids are JavaScript numbers on the client, so anything past 2^53 − 1 could not be
    /// answered with the same id.
    package static let maxAckId = 9_007_199_254_740_991

    package var type: PacketType
    package var namespace: String
    package var ackId: Int?
    package var data: JSONValue?
    /// Binary attachments announced in the header; only written for BINARY_EVENT / BINARY_ACK.
    package var attachments: Int

    package init(
        _ type: PacketType, namespace: String = SocketIOPacket.mainNamespace, ackId: Int? = nil, data: JSONValue? = nil,
        attachments: Int = 0
    ) {
        self.type = type
        self.namespace = namespace
        self.ackId = ackId
        self.data = data
        self.attachments = attachments
    }

    /// `socket.emit(name, ...arguments)` as a packet.
    package static func event(
        _ name: String, _ arguments: [JSONValue] = [], namespace: String = mainNamespace, ackId: Int? = nil
    ) -> SocketIOPacket {
        SocketIOPacket(.event, namespace: namespace, ackId: ackId, data: .array([.string(name)] + arguments))
    }

    /// The event name of an EVENT packet (decoding guarantees it is there).
    package var eventName: String? {
        guard type == .event || type == .binaryEvent else { return nil }
        return data?.arrayValue?.first?.stringValue
    }

    /// The arguments after the event name.
    package var eventArguments: [JSONValue] {
        guard eventName != nil, let items = data?.arrayValue else { return [] }
        return Array(items.dropFirst())
    }

    package func encoded() -> String {
        var out = String(type.rawValue)
        if type.isBinary { out += String(attachments) + "-" }
        if namespace != SocketIOPacket.mainNamespace { out += namespace + "," }
        if let ackId { out += String(ackId) }
        if let data { out += data.serialized() }
        return out
    }
}
