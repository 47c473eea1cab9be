/// How the Engine.IO server behaves. Defaults are the reference server's (engine.io 6).
package struct EngineIOSettings: Sendable {
    /// The server pings this long after the last pong (the client answers `3`).
    package var pingInterval: Duration
    /// A session whose pong does not come within this is closed ("ping timeout").
    package var pingTimeout: Duration
    /// Largest polling body or WebSocket message accepted, in bytes (advertised in the handshake).
    package var maxPayload: Int
    /// A WebSocket that does not finish the probe/upgrade exchange within this is dropped
    /// (the session stays on polling).
    package var upgradeTimeout: Duration
    /// Packets waiting for a slow client beyond this close its session: a dashboard that cannot
    /// keep up reconnects and re-reads, it must not grow the server's memory.
    package var maxBufferedPackets: Int
    /// Origins allowed to connect (`FRONTEND_URL`); `*` allows any. Requests without `Origin`
    /// (non-browser clients) are always allowed: CORS protects browsers, tokens protect data.
    package var allowedOrigins: [String]
    /// The HTTP path Engine.IO is served at (socket.io-client's `path` option).
    package var path: String

    package static let defaultPath = "/socket.io/"

    package init(
        pingInterval: Duration = .seconds(25), pingTimeout: Duration = .seconds(20), maxPayload: Int = 1_000_000,
        upgradeTimeout: Duration = .seconds(10), maxBufferedPackets: Int = 1_000, allowedOrigins: [String] = ["*"],
        path: String = EngineIOSettings.defaultPath
    ) {
        self.path = path
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
        self.upgradeTimeout = upgradeTimeout
        self.maxBufferedPackets = maxBufferedPackets
        self.allowedOrigins = allowedOrigins
    }

    /// How often the heartbeat sweep runs: fine enough for short test intervals, coarse (0.5 s)
    /// for the defaults, whose client-side tolerance is `pingInterval + pingTimeout`.
    var sweepInterval: Duration {
        let shortest = min(pingInterval, pingTimeout)
        return min(max(shortest / 20, .milliseconds(5)), .milliseconds(500))
    }

    func handshake(sid: String, upgrades: [String]) -> EngineIOHandshake {
        EngineIOHandshake(
            sid: sid, upgrades: upgrades, pingInterval: Int(pingInterval.milliseconds), pingTimeout: Int(pingTimeout.milliseconds),
            maxPayload: maxPayload)
    }
}
