import FlowEngine

/// The Socket.IO protocol suite's test namespaces (`/` and `/custom`): a connection is answered
/// with an `auth` event carrying the CONNECT payload (`{}` without one), `message` is emitted
/// back as `message-back`, and `message-with-ack` is acknowledged, both with the same arguments
/// and attachments (docs/realtime.md#protocol-suites).
package struct ConformanceNamespace: SocketIONamespace {
    /// The namespaces the suite connects to.
    package static let names = [SocketIOPacket.mainNamespace, "/custom"]

    package init() {}

    package func admit(_ request: SocketIOConnectRequest) -> SocketIOAdmission { .accept(principal: nil) }

    package func connected(_ socket: SocketIOSocket, auth: JSONValue?) {
        socket.emit("auth", [auth ?? .object([:])])
    }

    package func received(_ event: SocketIOEvent, on socket: SocketIOSocket) async {
        switch event.name {
        case "message": socket.emit("message-back", event.arguments, attachments: event.attachments)
        case "message-with-ack": socket.acknowledge(event, event.arguments, attachments: event.attachments)
        default: break
        }
    }
}
