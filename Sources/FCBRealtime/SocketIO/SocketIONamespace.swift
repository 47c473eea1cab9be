import FlowEngine

/// What one namespace does with its sockets. The server does the protocol (CONNECT answers,
/// unknown namespaces, binary reassembly, acks on the wire, rooms); a namespace decides who
/// may connect and what events mean. fcb serve has one, `DashboardNamespace` at `/`; the
/// protocol suites' test server has its own (`ConformanceNamespace`).
///
/// Only `received` is async. Every async call runs in the connection's long-lived task, whose
/// frames stay allocated while it lives (docs/realtime.md#memory): what can be synchronous is.
package protocol SocketIONamespace: Sendable {
    /// Decides a CONNECT; a refusal is sent as CONNECT_ERROR and the connection stays open.
    func admit(_ request: SocketIOConnectRequest) -> SocketIOAdmission
    /// The socket is connected: its CONNECT answer is already queued, so what this sends follows it.
    func connected(_ socket: SocketIOSocket, auth: JSONValue?)
    /// An event from the client. Events of one connection arrive one at a time, in order.
    func received(_ event: SocketIOEvent, on socket: SocketIOSocket) async
    /// The socket is gone: the client left the namespace or its connection closed.
    func disconnected(_ socket: SocketIOSocket)
}

extension SocketIONamespace {
    package func connected(_ socket: SocketIOSocket, auth: JSONValue?) {}
    package func disconnected(_ socket: SocketIOSocket) {}
}

/// A CONNECT as the namespace sees it.
package struct SocketIOConnectRequest: Sendable {
    package var namespace: String
    /// The CONNECT packet's payload (`auth` in socket.io-client), nil when it had none.
    package var auth: JSONValue?
    /// What the Engine.IO handshake request said (headers, query, remote address).
    package var connection: EngineIOConnectionInfo
}

package enum SocketIOAdmission: Sendable, Equatable {
    /// Connect; `principal` is who the socket acts for (the dashboard's user id), if anyone.
    case accept(principal: String?)
    /// CONNECT_ERROR with `{"message": message, "data": data}` (as socket.io's middleware errors).
    case refuse(message: String, data: JSONValue?)
}

/// An EVENT or BINARY_EVENT from the client.
package struct SocketIOEvent: Sendable, Equatable {
    package var name: String
    /// The arguments after the name; binary ones are placeholders (`SocketIOAttachments`).
    package var arguments: [JSONValue]
    package var attachments: [[UInt8]]
    /// Set when the client waits for an answer (`socket.emit(name, …, callback)`).
    package var ackId: Int?
}

/// One connected socket: a namespace on an Engine.IO session. A value; its state (rooms) lives
/// in the server, so a handle of a socket that left answers "not connected".
package struct SocketIOSocket: Sendable {
    /// The socket id sent in the CONNECT answer (not the Engine.IO sid).
    package let id: String
    package let namespace: String
    package let principal: String?
    package let session: EngineIOSession
    let server: SocketIOServer

    /// `socket.emit(name, ...arguments)`; binary arguments as placeholders plus `attachments`.
    @discardableResult
    package func emit(_ name: String, _ arguments: [JSONValue] = [], attachments: [[UInt8]] = []) -> Bool {
        let packet = SocketIOPacket.event(name, arguments, namespace: namespace)
        return session.send(SocketIOMessage(packet, attachments: attachments).engineIOPackets)
    }

    /// Answers the event's callback, when the client gave one.
    package func acknowledge(_ event: SocketIOEvent, _ arguments: [JSONValue], attachments: [[UInt8]] = []) {
        guard let ackId = event.ackId else { return }
        let packet = SocketIOPacket(.ack, namespace: namespace, ackId: ackId, data: .array(arguments))
        session.send(SocketIOMessage(packet, attachments: attachments).engineIOPackets)
    }

    /// The rooms the socket is in; nil once it is no longer connected.
    package var rooms: Set<String>? { server.rooms(of: self) }

    package func join(_ room: String) -> SocketIOJoinOutcome { server.join(self, room: room) }

    package func leave(_ room: String) { server.leave(self, room: room) }

    /// Ends the whole connection (every namespace on it).
    package func disconnect() { session.close(.serverClose) }
}

package enum SocketIOJoinOutcome: Sendable, Equatable {
    case joined
    /// Already in `maxRoomsPerSocket` rooms.
    case full
    /// The socket is no longer connected.
    case gone
}
