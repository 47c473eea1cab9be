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

    /// Attachments one binary packet may announce (socket.io-client sends one per Buffer,
    /// ArrayBuffer or Blob argument); their bytes together are bounded by `maxPayload` too.
    package static let defaultMaxAttachments = 64

    /// Ack ids are JavaScript numbers on the client, so anything past 2^53 − 1 could not be
    /// answered with the same id.
    package static let maxAckId = 9_007_199_254_740_991

    package var type: PacketType
    package var namespace: String
    package var ackId: Int?
    package var data: JSONValue?
    /// Binary attachments announced in the header (BINARY_EVENT / BINARY_ACK); they travel as
    /// the binary Engine.IO messages right after this one.
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

/// Binary arguments travel beside the packet: the JSON holds `{"_placeholder":true,"num":N}`
/// where the N-th attachment belongs, and the attachments follow as binary Engine.IO messages.
/// fcb keeps the placeholders in the JSON and the bytes beside them, so an argument echoed back
/// keeps its place and its number.
package enum SocketIOAttachments {
    /// The placeholder for attachment `index`, as socket.io-parser writes it.
    package static func placeholder(_ index: Int) -> JSONValue {
        ["_placeholder": true, "num": .number(Double(index))]
    }

    /// True when every placeholder in `data` names one of `count` attachments (socket.io-parser
    /// refuses the packet otherwise: "illegal attachments").
    package static func placeholdersAreValid(in data: JSONValue, count: Int) -> Bool {
        switch data {
        case .array(let items):
            return items.allSatisfy { placeholdersAreValid(in: $0, count: count) }
        case .object(let object):
            if object["_placeholder"] == .bool(true) {
                guard let num = object["num"]?.numberValue, num >= 0, num < Double(count), num.rounded() == num else { return false }
                return true
            }
            return object.values.allSatisfy { placeholdersAreValid(in: $0, count: count) }
        default:
            return true
        }
    }
}

/// A Socket.IO packet with the bytes of its attachments: what one `emit` or ack sends, or
/// what a client's binary packet becomes once its attachments arrived.
package struct SocketIOMessage: Sendable, Equatable {
    package var packet: SocketIOPacket
    package var attachments: [[UInt8]]

    /// As received: the packet's header already counts its attachments.
    init(packet: SocketIOPacket, attachments: [[UInt8]]) {
        self.packet = packet
        self.attachments = attachments
    }

    /// To send: the packet becomes BINARY_EVENT / BINARY_ACK when there are attachments.
    package init(_ packet: SocketIOPacket, attachments: [[UInt8]] = []) {
        var packet = packet
        packet.attachments = attachments.count
        if !attachments.isEmpty {
            if packet.type == .event { packet.type = .binaryEvent }
            if packet.type == .ack { packet.type = .binaryAck }
        }
        self.packet = packet
        self.attachments = attachments
    }

    /// The Engine.IO messages, in the order they must be sent: the packet, then each attachment.
    package var engineIOPackets: [EngineIOPacket] {
        [EngineIOPacket(.message, packet.encoded())] + attachments.map { EngineIOPacket.binary($0) }
    }
}
