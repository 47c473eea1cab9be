import Synchronization

/// One WebSocket message from the client.
package enum EngineIOFrame: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// A WebSocket's way out, fed without a task per packet: sessions on WebSocket call `write`
/// from `send` (under the session's lock, so order is kept), so it must neither block nor
/// suspend. Each packet becomes one frame (binary packets binary frames), each call at most
/// one flush.
package protocol EngineIOPacketWriter: AnyObject, Sendable {
    /// Starts writing `packets`, in order, after everything written before.
    func write(_ packets: [EngineIOPacket])
    /// Packets written but not yet taken by the socket: the slow-consumer rule
    /// (`maxBufferedPackets`) counts these once the session is on WebSocket.
    var unwrittenPackets: Int { get }
    /// Ends the WebSocket once what was written is on its way: its inbound side stops, so the
    /// task reading it returns (and the framework sends the close frame). Never blocks.
    func close()
}

/// What a WebSocket upgrade request will serve, decided before the upgrade is accepted.
package enum EngineIOWebSocketPlan: Sendable {
    /// `transport=websocket` without `sid`: a new session straight on WebSocket (`upgrades: []`).
    case fresh(EngineIOConnectionInfo)
    /// `transport=websocket&sid=…`: the probe/upgrade of an existing polling session.
    case upgrade(EngineIOSession)
    /// `transport=websocket&sid=…` for a session already on WebSocket: accepted and closed at
    /// once, as the reference server does; the session itself is not touched.
    case alreadyUpgraded
}

extension EngineIOServer {
    /// The plan for an upgrade request, or the error to answer instead of upgrading.
    package func webSocketPlan(
        query: [String: [String]], headers: [String: String], remoteAddress: String?
    ) -> Result<EngineIOWebSocketPlan, EngineIORequestError> {
        switch resolve(query: query, headers: headers) {
        case .failure(let error): return .failure(error)
        case .success(.handshake(.websocket)):
            let request = EngineIOHTTPRequest(method: "GET", query: query, headers: headers, remoteAddress: remoteAddress)
            return .success(.fresh(request.connectionInfo))
        case .success(.existing(let session, .websocket)):
            return .success(session.transport == .polling ? .upgrade(session) : .alreadyUpgraded)
        case .success:
            return .failure(.badRequest)
        }
    }

    /// Serves an accepted WebSocket from an async sequence of its messages, in the caller's
    /// task, which reads (tests, and any transport that hands out a stream). `fcb serve`'s own
    /// WebSockets need no task: their channel handler drives `EngineIOWebSocketConnection`
    /// and queues packets through `enqueue(_:from:)`. Returning closes the WebSocket.
    package func serveWebSocket<Inbound: AsyncSequence & Sendable>(
        _ plan: EngineIOWebSocketPlan, inbound: Inbound, writer: any EngineIOPacketWriter
    ) async where Inbound.Element == EngineIOFrame {
        guard let connection = acceptWebSocket(plan, writer: writer) else { return }
        do {
            for try await frame in inbound {
                switch connection.received(frame) {
                case .next: continue
                case .stop:
                    connection.ended(.protocolError)
                    return
                case .process(let packet):
                    guard await receive(packet, from: connection.session) else { return }
                }
            }
            connection.ended(.clientClose)
        } catch {
            connection.ended(Task.isCancelled ? .serverClose : .transportError)
        }
    }
}
