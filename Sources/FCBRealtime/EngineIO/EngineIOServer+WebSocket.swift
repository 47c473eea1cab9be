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

    /// Serves an accepted WebSocket until either side ends it; every packet leaves through
    /// `writer`. Returning closes the WebSocket. One task per connection, the caller's: it
    /// reads. Packets go out through `writer` from whoever sends them, a session closed by the
    /// server closes the writer (which ends the reading), and a probe that does not finish in
    /// `upgradeTimeout` is closed by the heartbeat sweep.
    package func serveWebSocket<Inbound: AsyncSequence & Sendable>(
        _ plan: EngineIOWebSocketPlan, inbound: Inbound, writer: any EngineIOPacketWriter
    ) async where Inbound.Element == EngineIOFrame {
        switch plan {
        case .fresh(let info):
            guard let session = openSession(info: info, transport: .websocket) else { return }
            writer.write([settings.handshake(sid: session.id, upgrades: []).packet])
            // False only when already closed (then what was queued went out with the handshake).
            guard session.attach(writer) else { return }
            await read(session, inbound: inbound, writer: writer, probing: false)
        case .alreadyUpgraded:
            return
        case .upgrade(let session):
            // A second probe while one is under way is closed the same way.
            guard session.beginUpgrade(probe: writer, deadline: now + settings.upgradeTimeout) else { return }
            await read(session, inbound: inbound, writer: writer, probing: true)
        }
    }

    private func read<Inbound: AsyncSequence & Sendable>(
        _ session: EngineIOSession, inbound: Inbound, writer: any EngineIOPacketWriter, probing startsProbing: Bool
    ) async where Inbound.Element == EngineIOFrame {
        var probing = startsProbing
        defer { if probing { session.abandonUpgrade(probe: writer) } }
        do {
            for try await frame in inbound {
                if probing {
                    // `2probe` → `3probe` (and polls end with a noop), then `5`.
                    switch frame {
                    case .text("2probe"):
                        writer.write([EngineIOPacket(.pong, "probe")])
                        session.probeReceived()
                    case .text("5"):
                        guard session.completeUpgrade(writer: writer) else { return }
                        probing = false
                    default:
                        logger.debug("engine.io: invalid upgrade packet", metadata: ["sid": .string(session.id)])
                        return
                    }
                    continue
                }
                let packet: EngineIOPacket
                switch frame {
                case .binary(let bytes): packet = .binary(bytes)
                case .text(let text):
                    guard text.utf8.count <= settings.maxPayload, let decoded = try? EngineIOPacket(decoding: text) else {
                        session.close(.protocolError)
                        return
                    }
                    packet = decoded
                }
                guard await receive(packet, from: session) else { return }
            }
            if !probing { session.close(.clientClose) }
        } catch {
            if !probing { session.close(Task.isCancelled ? .serverClose : .transportError) }
        }
    }
}
