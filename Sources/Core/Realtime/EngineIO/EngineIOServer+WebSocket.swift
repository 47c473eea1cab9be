import Synchronization

/// One WebSocket message from the client.
public enum EngineIOFrame: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// What a WebSocket upgrade request will serve, decided before the upgrade is accepted.
public enum EngineIOWebSocketPlan: Sendable {
    /// `transport=websocket` without `sid`: a new session straight on WebSocket (`upgrades: []`).
    case fresh(EngineIOConnectionInfo)
    /// `transport=websocket&sid=…`: the probe/upgrade of an existing polling session.
    case upgrade(EngineIOSession)
}

extension EngineIOServer {
    /// The plan for an upgrade request, or the error to answer instead of upgrading.
    public func webSocketPlan(query: [String: [String]], headers: [String: String], remoteAddress: String?) -> Result<EngineIOWebSocketPlan, EngineIORequestError> {
        switch resolve(query: query, headers: headers) {
        case .failure(let error): return .failure(error)
        case .success(.handshake(.websocket)):
            let request = EngineIOHTTPRequest(method: "GET", query: query, headers: headers, remoteAddress: remoteAddress)
            return .success(.fresh(request.connectionInfo))
        case .success(.existing(let session, .websocket)):
            guard session.transport == .polling else { return .failure(.badRequest) }
            return .success(.upgrade(session))
        case .success:
            return .failure(.badRequest)
        }
    }

    /// Serves an accepted WebSocket until either side ends it. `send` writes one packet as one
    /// frame (binary packets as binary frames); returning closes the WebSocket.
    public func serveWebSocket<Inbound: AsyncSequence & Sendable>(
        _ plan: EngineIOWebSocketPlan, inbound: Inbound, send: @escaping @Sendable (EngineIOPacket) async throws -> Void
    ) async where Inbound.Element == EngineIOFrame {
        switch plan {
        case .fresh(let info):
            guard let session = openSession(info: info, transport: .websocket) else { return }
            do {
                try await send(settings.handshake(sid: session.id, upgrades: []).packet)
            } catch {
                session.close(.transportError)
                return
            }
            await pump(session, inbound: inbound, send: send, upgraded: nil)
        case .upgrade(let session):
            guard session.beginUpgrade() else { return }
            let upgraded = UpgradeSignal()
            await pump(session, inbound: inbound, send: send, upgraded: upgraded)
            if !upgraded.isDone { session.abandonUpgrade() }
        }
    }

    /// Reads and writes concurrently; whichever side ends first ends the other.
    private func pump<Inbound: AsyncSequence & Sendable>(
        _ session: EngineIOSession, inbound: Inbound, send: @escaping @Sendable (EngineIOPacket) async throws -> Void,
        upgraded: UpgradeSignal?
    ) async where Inbound.Element == EngineIOFrame {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.read(session, inbound: inbound, send: send, upgraded: upgraded) }
            group.addTask { await self.write(session, send: send, upgraded: upgraded) }
            await group.next()
            group.cancelAll()
        }
    }

    private func read<Inbound: AsyncSequence & Sendable>(
        _ session: EngineIOSession, inbound: Inbound, send: @escaping @Sendable (EngineIOPacket) async throws -> Void,
        upgraded: UpgradeSignal?
    ) async where Inbound.Element == EngineIOFrame {
        var probing = upgraded != nil
        do {
            for try await frame in inbound {
                if probing, let upgraded {
                    // `2probe` → `3probe` (and the pending poll ends with a noop), then `5`.
                    switch frame {
                    case .text("2probe"):
                        try await send(EngineIOPacket(.pong, "probe"))
                        session.releasePendingPoll()
                    case .text("5"):
                        guard session.completeUpgrade() else { return }
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

    private func write(_ session: EngineIOSession, send: @escaping @Sendable (EngineIOPacket) async throws -> Void, upgraded: UpgradeSignal?) async {
        if let upgraded {
            guard await upgraded.wait(upTo: settings.upgradeTimeout) else { return }
        }
        while true {
            switch await session.nextBatch(poll: false) {
            case .packets(let packets):
                for packet in packets {
                    do {
                        try await send(packet)
                    } catch {
                        session.close(.transportError)
                        return
                    }
                }
            case .closed, .cancelled, .refused:
                return
            }
        }
    }
}

/// Set once when the upgrade's `5` arrives; the writer waits for it, up to the upgrade timeout.
final class UpgradeSignal: Sendable {
    private let state = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    var isDone: Bool { state.withLock { $0.done } }

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.done = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// True once signalled; false after `timeout` or when cancelled.
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
                    if s.done || Task.isCancelled { return true }
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
