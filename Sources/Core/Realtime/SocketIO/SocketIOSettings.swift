import Foundation

/// The Socket.IO layer's limits and its authentication.
public struct SocketIOSettings: Sendable {
    /// With a verifier, CONNECT needs the dashboard's JWT and joins are limited to the token
    /// user's contacts; without one the server is open (a warning at startup, refused in production).
    public var tokenVerifier: DashboardTokenVerifier?
    /// A session that has not connected to the namespace by then is closed (reference: 45 s).
    public var connectTimeout: Duration
    /// Rooms one socket may be in; a dashboard page needs one.
    public var maxRoomsPerSocket: Int
    /// Refused joins tolerated per socket before it is disconnected (each may cost a lookup).
    public var maxRefusedJoins: Int

    public init(
        tokenVerifier: DashboardTokenVerifier? = nil, connectTimeout: Duration = .seconds(45), maxRoomsPerSocket: Int = 100,
        maxRefusedJoins: Int = 50
    ) {
        self.tokenVerifier = tokenVerifier
        self.connectTimeout = connectTimeout
        self.maxRoomsPerSocket = maxRoomsPerSocket
        self.maxRefusedJoins = maxRefusedJoins
    }
}

/// The client events of the dashboard contract (reference §5.2) and the room names.
public enum ConversationRooms {
    public static let join = "join:conversation"
    public static let leave = "leave:conversation"
    /// Emitted when a join without an ack id is refused, so the client can tell.
    public static let joinError = "join:error"
    /// Contact ids are Prisma cuids; anything longer or with control characters is not one.
    public static let maxContactIdBytes = 128

    public static func room(contactId: String) -> String { "conversation:" + contactId }

    static func isPlausibleContactId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxContactIdBytes && !id.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
