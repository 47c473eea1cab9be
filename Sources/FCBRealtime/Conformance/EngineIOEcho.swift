/// The Engine.IO protocol suite's test server behaviour: every message a client sends, text or
/// binary, goes straight back to it (docs/realtime.md#protocol-suites).
package struct EngineIOEcho: EngineIOConnectionHandler {
    package init() {}

    package func engineSessionOpened(_ session: EngineIOSession) {}

    package func engineSession(_ session: EngineIOSession, received message: EngineIOPacket.Body) async {
        switch message {
        case .text(let text): session.send(EngineIOPacket(.message, text))
        case .binary(let bytes): session.send(.binary(bytes))
        }
    }

    package func engineSessionClosed(_ session: EngineIOSession, reason: EngineIOCloseReason) {}
}
