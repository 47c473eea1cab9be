import FlowEngine

/// The server's half of the handshake, sent as the `open` packet's JSON. Intervals are in
/// milliseconds, as the client's timers expect.
package struct EngineIOHandshake: Sendable, Equatable {
    package var sid: String
    package var upgrades: [String]
    package var pingInterval: Int
    package var pingTimeout: Int
    /// Bytes per polling body the server accepts; the client splits its batches to fit.
    package var maxPayload: Int

    /// Defaults are the Engine.IO server's (25 s, 20 s, 1 MB).
    package init(
        sid: String, upgrades: [String] = ["websocket"], pingInterval: Int = 25_000, pingTimeout: Int = 20_000,
        maxPayload: Int = 1_000_000
    ) {
        self.sid = sid
        self.upgrades = upgrades
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }

    /// Keys in the order the reference server writes them.
    package var json: JSONValue {
        [
            "sid": .string(sid),
            "upgrades": .array(upgrades.map { .string($0) }),
            "pingInterval": .number(Double(pingInterval)),
            "pingTimeout": .number(Double(pingTimeout)),
            "maxPayload": .number(Double(maxPayload)),
        ]
    }

    package var packet: EngineIOPacket { EngineIOPacket(.open, json.serialized()) }
}
