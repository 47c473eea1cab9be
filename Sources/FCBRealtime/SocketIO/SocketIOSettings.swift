import Foundation

/// The Socket.IO layer's limits and its authentication.
package struct SocketIOSettings: Sendable {
    /// With a verifier, CONNECT needs the dashboard's JWT and joins are limited to the token
    /// user's contacts; without one the server is open (a warning at startup, refused in production).
    package var tokenVerifier: DashboardTokenVerifier?
    /// A session that has not connected to the namespace by then is closed (reference: 45 s).
    package var connectTimeout: Duration
    /// Rooms one socket may be in; a dashboard page needs one.
    package var maxRoomsPerSocket: Int
    /// Refused joins tolerated per socket before it is disconnected (each may cost a lookup).
    package var maxRefusedJoins: Int
    /// Bytes a binary packet and its attachments may take together (the Engine.IO `maxPayload`
    /// bounds each part alone).
    package var maxPayload: Int
    /// Attachments one binary packet may announce.
    package var maxAttachments: Int

    package init(
        tokenVerifier: DashboardTokenVerifier? = nil, connectTimeout: Duration = .seconds(45), maxRoomsPerSocket: Int = 100,
        maxRefusedJoins: Int = 50, maxPayload: Int = 1_000_000, maxAttachments: Int = SocketIOPacket.defaultMaxAttachments
    ) {
        self.tokenVerifier = tokenVerifier
        self.connectTimeout = connectTimeout
        self.maxRoomsPerSocket = maxRoomsPerSocket
        self.maxRefusedJoins = maxRefusedJoins
        self.maxPayload = maxPayload
        self.maxAttachments = maxAttachments
    }
}

/// The client events of the dashboard contract (docs/compatibility.md#realtime-events) and the room names.
package enum ConversationRooms {
    package static let join = "join:conversation"
    package static let leave = "leave:conversation"
    /// Emitted when a join without an ack id is refused, so the client can tell.
    package static let joinError = "join:error"
    /// Contact ids are Prisma cuids; anything longer or with control characters is not one.
    package static let maxContactIdBytes = 128

    package static func room(contactId: String) -> String { "conversation:" + contactId }

    static func isPlausibleContactId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxContactIdBytes && !id.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
