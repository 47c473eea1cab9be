import Synchronization

/// One Engine.IO connection: its outbox (shared by the transports, so nothing is lost when a
/// polling session upgrades to WebSocket), its heartbeat, and its transport state.
///
/// Packets are queued by `send` and taken in batches by one consumer at a time (a pending
/// polling GET). Once the session is on WebSocket, `send` hands them straight to the
/// connection's `EngineIOPacketWriter` instead: no task is woken per packet.
package final class EngineIOSession: Sendable {
    package enum Transport: String, Sendable { case polling, websocket }

    /// The Engine.IO session id (`sid`).
    package let id: String
    package let info: EngineIOConnectionInfo
    package let openedAt: ContinuousClock.Instant

    struct State {
        var transport: Transport
        /// A WebSocket is connected to upgrade this polling session: its writer (to close it when
        /// the probe times out or the session closes) and when the probe times out.
        var probe: (writer: any EngineIOPacketWriter, deadline: ContinuousClock.Instant)?
        var upgrading: Bool { probe != nil }
        /// That WebSocket sent `2probe`: the client is about to pause polling and send `5`.
        var probed = false
        var buffer: [EngineIOPacket] = []
        /// The WebSocket's writer, once the session is on WebSocket; nil again once closed.
        var writer: (any EngineIOPacketWriter)?
        /// The polling GET waiting for packets.
        var consumer: CheckedContinuation<Batch, Never>?
        var postInFlight = false
        var closed: EngineIOCloseReason?
        /// Packets from a WebSocket read by a channel handler, waiting for `EngineIOServer.receive`;
        /// `draining` while a task of the server's inbox runner works through them.
        var inbound: [EngineIOPacket] = []
        var draining = false
        var awaitingPong = false
        var nextPingAt: ContinuousClock.Instant
        var pongDeadline: ContinuousClock.Instant?
    }

    let state: Mutex<State>
    private let maxBufferedPackets: Int
    private let onClose: @Sendable (EngineIOSession, EngineIOCloseReason) -> Void

    init(
        id: String, info: EngineIOConnectionInfo, transport: Transport, settings: EngineIOSettings, now: ContinuousClock.Instant,
        onClose: @escaping @Sendable (EngineIOSession, EngineIOCloseReason) -> Void
    ) {
        self.id = id
        self.info = info
        self.openedAt = now
        self.maxBufferedPackets = settings.maxBufferedPackets
        self.onClose = onClose
        self.state = Mutex(State(transport: transport, nextPingAt: now + settings.pingInterval))
    }

    package var transport: Transport { state.withLock { $0.transport } }
    package var isClosed: Bool { state.withLock { $0.closed != nil } }

    /// Queues packets for the client. False when the session is closed (or was just closed for
    /// being too far behind).
    @discardableResult
    package func send(_ packets: [EngineIOPacket]) -> Bool {
        enum Outcome { case queued, closed, overflow }
        var waiter: CheckedContinuation<Batch, Never>?
        var batch: [EngineIOPacket] = []
        let outcome = state.withLock { s -> Outcome in
            guard s.closed == nil else { return .closed }
            if let writer = s.writer {
                // Written under the lock, so packets keep their order; `write` never blocks.
                guard writer.unwrittenPackets + packets.count <= maxBufferedPackets else { return .overflow }
                writer.write(packets)
                return .queued
            }
            guard s.buffer.count + packets.count <= maxBufferedPackets else { return .overflow }
            s.buffer.append(contentsOf: packets)
            if let consumer = s.consumer {
                s.consumer = nil
                waiter = consumer
                batch = s.buffer
                s.buffer.removeAll(keepingCapacity: true)
            }
            return .queued
        }
        waiter?.resume(returning: .packets(batch))
        switch outcome {
        case .queued: return true
        case .closed: return false
        case .overflow:
            close(.slowConsumer)
            return false
        }
    }

    @discardableResult
    package func send(_ packet: EngineIOPacket) -> Bool { send([packet]) }

    enum Batch: Equatable {
        case packets([EngineIOPacket])
        /// Closed and drained: nothing more will come.
        case closed
        /// Another consumer is waiting (overlapping polls), or a poll came after the upgrade.
        case refused
        /// The waiting task was cancelled; nothing was taken.
        case cancelled
        /// A WebSocket sent `2probe` while this poll waited: the poll waits again, for at most
        /// the upgrade's hold.
        case probeStarted
    }

    /// A polling GET: waits for packets and takes everything queued. One at a time: a second
    /// one is refused, as is a poll once the session is on WebSocket (whose writer takes the
    /// packets directly).
    func nextPoll() async -> Batch {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Batch, Never>) in
                let ready: Batch? = state.withLock { s in
                    if s.transport == .websocket { return .refused }
                    if s.consumer != nil { return .refused }
                    if !s.buffer.isEmpty {
                        defer { s.buffer.removeAll(keepingCapacity: true) }
                        return .packets(s.buffer)
                    }
                    if s.closed != nil { return .closed }
                    if Task.isCancelled { return .cancelled }
                    s.consumer = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Batch, Never>? in
                defer { s.consumer = nil }
                return s.consumer
            }
            waiter?.resume(returning: .cancelled)
        }
    }

    /// A session opened on WebSocket gets its writer: what was queued meanwhile is written
    /// first, then every `send` goes straight to it. False when the session is already closed.
    func attach(_ writer: any EngineIOPacketWriter) -> Bool {
        state.withLock { s -> Bool in
            guard s.closed == nil, s.transport == .websocket, s.writer == nil else { return false }
            s.attach(writer)
            return true
        }
    }

    /// The upgrade's `5` arrived: from now on the WebSocket's writer takes the packets, starting
    /// with those queued during the probe. A poll still pending is refused like any poll after
    /// the upgrade (engine.io-client never has one: it sends `5` once its last GET returned).
    func completeUpgrade(writer: any EngineIOPacketWriter) -> Bool {
        var poll: CheckedContinuation<Batch, Never>?
        let done = state.withLock { s -> Bool in
            guard s.closed == nil, s.transport == .polling else { return false }
            s.transport = .websocket
            s.probe = nil
            s.probed = false
            s.attach(writer)
            if let consumer = s.consumer {
                s.consumer = nil
                poll = consumer
            }
            return true
        }
        poll?.resume(returning: .refused)
        return done
    }

    /// A WebSocket may probe a polling session once at a time, until `deadline`.
    func beginUpgrade(probe writer: any EngineIOPacketWriter, deadline: ContinuousClock.Instant) -> Bool {
        state.withLock { s in
            guard s.closed == nil, s.transport == .polling, !s.upgrading else { return false }
            s.probe = (writer, deadline)
            return true
        }
    }

    /// The probe's writer when its deadline has passed: the probe is abandoned (the session stays
    /// on polling) and the caller closes the writer.
    func expiredProbe(now: ContinuousClock.Instant) -> (any EngineIOPacketWriter)? {
        state.withLock { s in
            guard let probe = s.probe, now >= probe.deadline else { return nil }
            s.probe = nil
            s.probed = false
            return probe.writer
        }
    }

    /// `2probe` arrived and the upgrade is not complete yet.
    var isProbed: Bool { state.withLock { $0.probed } }

    /// Ends a poll held during a probed upgrade with a `noop` (the reference server's "fast
    /// upgrade" check): the client can then send `5`.
    func releasePollDuringUpgrade() {
        let waiter = state.withLock { s -> CheckedContinuation<Batch, Never>? in
            guard s.probed, let consumer = s.consumer else { return nil }
            s.consumer = nil
            return consumer
        }
        waiter?.resume(returning: .packets([EngineIOPacket(.noop)]))
    }

    /// The probe's WebSocket ended without `5`; a later probe may try again.
    func abandonUpgrade(probe writer: any EngineIOPacketWriter) {
        state.withLock { s in
            guard let probe = s.probe, probe.writer === writer else { return }
            s.probe = nil
            s.probed = false
        }
    }

    /// Marks a POST as being read; false when one already is (the client must not overlap).
    func beginPost() -> Bool {
        state.withLock { s in
            guard !s.postInFlight else { return false }
            s.postInFlight = true
            return true
        }
    }

    func endPost() {
        state.withLock { $0.postInFlight = false }
    }

    /// The probe's `2probe` arrived: the pending polling GET, and every GET until the upgrade
    /// completes or is abandoned, is held only briefly before a `noop`, so the client can send `5`.
    func probeReceived() {
        let waiter = state.withLock { s -> CheckedContinuation<Batch, Never>? in
            guard s.upgrading else { return nil }
            s.probed = true
            guard let consumer = s.consumer else { return nil }
            s.consumer = nil
            return consumer
        }
        waiter?.resume(returning: .probeStarted)
    }

    /// Closes the session once; later calls do nothing. A close the server decides tells a
    /// polling client with a `close` packet; a WebSocket writer drains what is queued and stops.
    package func close(_ reason: EngineIOCloseReason) {
        var waiter: CheckedContinuation<Batch, Never>?
        var batch = Batch.closed
        var writers: [any EngineIOPacketWriter] = []
        let first = state.withLock { s -> Bool in
            guard s.closed == nil else { return false }
            s.closed = reason
            // Nothing more is written to the WebSocket; what was already written stays in order
            // ahead of the close frame. Closing the writers ends the tasks reading them.
            if let writer = s.writer { writers.append(writer) }
            if let probe = s.probe { writers.append(probe.writer) }
            s.writer = nil
            s.probe = nil
            let serverSide = reason != .clientClose && reason != .transportError
            if !serverSide || reason == .slowConsumer { s.buffer.removeAll() }
            if serverSide, s.transport == .polling { s.buffer.append(EngineIOPacket(.close)) }
            if let consumer = s.consumer {
                s.consumer = nil
                waiter = consumer
                batch = s.buffer.isEmpty ? .closed : .packets(s.buffer)
                s.buffer.removeAll()
            }
            return true
        }
        waiter?.resume(returning: batch)
        for writer in writers { writer.close() }
        if first { onClose(self, reason) }
    }

    enum InboundOutcome { case queued, drainNeeded, overflow, closed }

    /// Queues a packet from the WebSocket; `drainNeeded` when no drain is under way (the caller
    /// schedules one). More than `maxBufferedPackets` waiting closes the session.
    func enqueueInbound(_ packet: EngineIOPacket) -> InboundOutcome {
        let outcome = state.withLock { s -> InboundOutcome in
            guard s.closed == nil else { return .closed }
            guard s.inbound.count < maxBufferedPackets else { return .overflow }
            s.inbound.append(packet)
            if s.draining { return .queued }
            s.draining = true
            return .drainNeeded
        }
        if outcome == .overflow { close(.slowConsumer) }
        return outcome
    }

    /// The next queued packet; nil ends the drain (atomically with the check, so a packet queued
    /// right after schedules a new one).
    func nextInbound() -> EngineIOPacket? {
        state.withLock { s in
            guard s.closed == nil, !s.inbound.isEmpty else {
                s.inbound.removeAll()
                s.draining = false
                return nil
            }
            return s.inbound.removeFirst()
        }
    }

    /// A `3` from the client: the next ping is due `pingInterval` from now (as the reference
    /// server does; waiting from the ping instead makes browsers time out).
    func receivedPong(now: ContinuousClock.Instant, pingInterval: Duration) {
        state.withLock { s in
            guard s.awaitingPong else { return }
            s.awaitingPong = false
            s.pongDeadline = nil
            s.nextPingAt = now + pingInterval
        }
    }

    /// Called by the sweep: sends a due ping, or reports a missed pong.
    func heartbeat(now: ContinuousClock.Instant, pingTimeout: Duration) -> HeartbeatAction {
        state.withLock { s -> HeartbeatAction in
            guard s.closed == nil else { return .none }
            if s.awaitingPong {
                if let deadline = s.pongDeadline, now >= deadline { return .timedOut }
                return .none
            }
            guard now >= s.nextPingAt else { return .none }
            s.awaitingPong = true
            // From when the ping was due, as the reference server's timers count: a sweep that
            // runs late does not give the client longer.
            s.pongDeadline = s.nextPingAt + pingTimeout
            return .ping
        }
    }

    /// True when the pong is overdue, even if the sweep has not come round yet: a request for a
    /// session that has timed out is refused exactly when the deadline passes.
    func missedPong(now: ContinuousClock.Instant) -> Bool {
        state.withLock { s in
            guard s.closed == nil, s.awaitingPong, let deadline = s.pongDeadline else { return false }
            return now >= deadline
        }
    }

    enum HeartbeatAction { case none, ping, timedOut }
}

extension EngineIOSession.State {
    mutating func attach(_ writer: any EngineIOPacketWriter) {
        self.writer = writer
        if !buffer.isEmpty {
            writer.write(buffer)
            buffer.removeAll()
        }
    }
}
