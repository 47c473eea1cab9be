/// The layer above Engine.IO (Socket.IO): told when a session opens, what it receives, and when
/// it closes. Open and close are synchronous and called exactly once per session; messages of
/// one session arrive one at a time, in order.
package protocol EngineIOConnectionHandler: Sendable {
    func engineSessionOpened(_ session: EngineIOSession)
    func engineSession(_ session: EngineIOSession, received message: EngineIOPacket.Body) async
    func engineSessionClosed(_ session: EngineIOSession, reason: EngineIOCloseReason)
}

/// What the opening request said, for the layers above (auth reads `Authorization` and the
/// `token` query parameter).
package struct EngineIOConnectionInfo: Sendable, Equatable {
    /// The first value of each query parameter.
    package var query: [String: String]
    /// Header values by lower-cased name (the first of repeated headers).
    package var headers: [String: String]
    package var remoteAddress: String?

    package init(query: [String: String] = [:], headers: [String: String] = [:], remoteAddress: String? = nil) {
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
    }

    /// The token of an `Authorization: Bearer …` header.
    package var bearerToken: String? {
        guard let value = headers["authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

/// Why a session ended; logged, counted, and visible to the layer above.
package enum EngineIOCloseReason: String, Sendable, Equatable {
    /// The client sent `1` or closed its WebSocket.
    case clientClose = "client close"
    case pingTimeout = "ping timeout"
    /// A malformed packet, an oversize body, overlapping polls, or a protocol violation.
    case protocolError = "protocol error"
    /// More packets waiting than `maxBufferedPackets`.
    case slowConsumer = "slow consumer"
    /// The WebSocket failed (reset, bad frame).
    case transportError = "transport error"
    /// The layer above ended it (e.g. no Socket.IO CONNECT in time).
    case serverClose = "server close"
    case serverShutdown = "server shutting down"
}
