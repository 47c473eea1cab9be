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
package protocol EngineIOPacketWriter: Sendable {
    /// Starts writing `packets`, in order, after everything written before.
    func write(_ packets: [EngineIOPacket])
    /// Packets written but not yet taken by the socket: the slow-consumer rule
    /// (`maxBufferedPackets`) counts these once the session is on WebSocket.
    var unwrittenPackets: Int { get }
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
    /// `writer`. Returning closes the WebSocket.
    package func serveWebSocket<Inbound: AsyncSequence & Sendable>(
        _ plan: EngineIOWebSocketPlan, inbound: Inbound, writer: any EngineIOPacketWriter
    ) async where Inbound.Element == EngineIOFrame {
        switch plan {
        case .fresh(let info):
            guard let session = openSession(info: info, transport: .websocket) else { return }
            writer.write([settings.handshake(sid: session.id, upgrades: []).packet])
            // False only when already closed: then `watch` drains what is queued and stops.
            _ = session.attach(writer)
            await pump(session, inbound: inbound, writer: writer, upgraded: nil)
        case .alreadyUpgraded:
            return
        case .upgrade(let session):
            // A second probe while one is under way is closed the same way.
            guard session.beginUpgrade() else { return }
            let upgraded = UpgradeSignal()
            await pump(session, inbound: inbound, writer: writer, upgraded: upgraded)
            if !upgraded.isDone { session.abandonUpgrade() }
        }
    }

    /// Reads in a child task while this task watches for the session's end (one task per
    /// connection fewer than a reader and a watcher side by side: each costs its own stack
    /// slabs). The reader always ends the watch: once on WebSocket it closes the session on
    /// every way out, during a probe it abandons the upgrade signal. A session closed by the
    /// server ends the watch, which cancels the reader.
    private func pump<Inbound: AsyncSequence & Sendable>(
        _ session: EngineIOSession, inbound: Inbound, writer: any EngineIOPacketWriter, upgraded: UpgradeSignal?
    ) async where Inbound.Element == EngineIOFrame {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.read(session, inbound: inbound, writer: writer, upgraded: upgraded)
                upgraded?.abandon()
            }
            await watch(session, writer: writer, upgraded: upgraded)
            group.cancelAll()
        }
    }

    private func read<Inbound: AsyncSequence & Sendable>(
        _ session: EngineIOSession, inbound: Inbound, writer: any EngineIOPacketWriter, upgraded: UpgradeSignal?
    ) async where Inbound.Element == EngineIOFrame {
        var probing = upgraded != nil
        do {
            for try await frame in inbound {
                if probing, let upgraded {
                    // `2probe` → `3probe` (and the pending poll ends with a noop), then `5`.
                    switch frame {
                    case .text("2probe"):
                        writer.write([EngineIOPacket(.pong, "probe")])
                        session.probeReceived()
                    case .text("5"):
                        guard session.completeUpgrade(writer: writer) else { return }
                        probing = false
                        upgraded.signal()
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

    /// Returns once the session is closed (or the upgrade never completed). The writer takes
    /// the packets directly; a batch only comes here when the session closed before the writer
    /// could be attached.
    private func watch(_ session: EngineIOSession, writer: any EngineIOPacketWriter, upgraded: UpgradeSignal?) async {
        if let upgraded {
            guard await upgraded.wait(upTo: settings.upgradeTimeout) else { return }
        }
        while true {
            switch await session.nextBatch(poll: false) {
            case .packets(let packets): writer.write(packets)
            case .closed, .cancelled, .refused: return
            case .probeStarted: continue  // only polls are told of a probe
            }
        }
    }
}

/// Set once when the upgrade's `5` arrives; the watcher waits for it, up to the upgrade timeout,
/// or until the reader ends without it (`abandon`).
final class UpgradeSignal: Sendable {
    private let state = Mutex<(done: Bool, abandoned: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, false, nil))

    var isDone: Bool { state.withLock { $0.done } }

    /// The reader ended: a wait still pending returns (false unless the upgrade was done).
    func abandon() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.abandoned = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.done = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// True once signalled; false after `timeout`, once abandoned, or when cancelled.
    func wait(upTo timeout: Duration) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return isDone
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.done || s.abandoned || Task.isCancelled { return true }
                    s.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
    }
}
