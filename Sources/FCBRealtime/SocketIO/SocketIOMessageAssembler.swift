/// Turns one connection's packets and binary messages into whole Socket.IO messages: a binary
/// packet waits for the attachments its header announced, which must follow it, and only them.
/// Fed in arrival order; the first error ends the connection (as in socket.io-parser).
package struct SocketIOMessageAssembler: Sendable {
    /// Bytes a binary packet's text and its attachments may take together.
    package let maxPayload: Int
    private var partial: SocketIOMessage?
    /// The partial message's text plus its attachments so far.
    private var bytes = 0

    package init(maxPayload: Int) {
        self.maxPayload = maxPayload
    }

    /// A binary packet is waiting for attachments.
    package var isWaiting: Bool { partial != nil }

    /// A decoded text packet (`textBytes` long); the whole message, or nil while its attachments
    /// are still to come.
    package mutating func receive(_ packet: SocketIOPacket, textBytes: Int) throws(SocketIOAssemblyError) -> SocketIOMessage? {
        guard partial == nil else { throw .textBeforeAttachments }
        guard packet.attachments > 0 else { return SocketIOMessage(packet) }
        guard textBytes <= maxPayload else { throw .tooLarge(limit: maxPayload) }
        partial = SocketIOMessage(packet: packet, attachments: [])
        bytes = textBytes
        return nil
    }

    /// A binary Engine.IO message: the next attachment of the waiting packet.
    package mutating func receive(attachment: [UInt8]) throws(SocketIOAssemblyError) -> SocketIOMessage? {
        guard var message = partial else { throw .strayAttachment }
        bytes += attachment.count
        guard bytes <= maxPayload else {
            partial = nil
            throw .tooLarge(limit: maxPayload)
        }
        message.attachments.append(attachment)
        guard message.attachments.count == message.packet.attachments else {
            partial = message
            return nil
        }
        partial = nil
        return message
    }
}

package enum SocketIOAssemblyError: Error, Sendable, Equatable, CustomStringConvertible {
    case textBeforeAttachments
    case strayAttachment
    case tooLarge(limit: Int)

    package var description: String {
        switch self {
        case .textBeforeAttachments: "a text packet arrived before the attachments of the binary packet ahead of it"
        case .strayAttachment: "a binary message arrived without a binary packet announcing it"
        case .tooLarge(let limit): "a binary packet and its attachments exceed maxPayload (\(limit) bytes)"
        }
    }
}
