import FCBStore
import FCBSupport
import FlowEngine
import Foundation

/// `fcb simulate`: one contact chatting with a demo tenant's flows, offline.
///
/// The flows are stored as Active flows of one user — in an ``InMemoryStore`` by default, or in
/// a SQLite file with `--db` (``SimulatorStorage``) — and every message goes through the same
/// ``ConversationEngine`` as `serve` (session lookup, best-flow selection, timeout, the executor),
/// with injected fakes: a recording sender that renders the exact Graph API body, a virtual clock
/// (or the system clock), sequential ids (cuids with `--db`) and a live or mock API client.
///
/// Concurrency: an actor. All conversation state (store handle, choices of the last interactive
/// message, transcript) is isolated here, and the REPL awaits one ``send(_:)`` at a time; the
/// injected sender/clock/API wrappers are `Sendable` and share only a mutex-protected turn log.
package actor Simulator {
    package static let userId = "sim-user"

    package nonisolated let configuration: SimulatorConfiguration
    package nonisolated let contact: ContactRecord
    /// The store: in memory, or the `--db` file.
    package nonisolated let store: any FlowStore & TenantStore
    /// With `--db`: what the file held for the contact (an open session resumed, its choices),
    /// printed before the first input. Empty in memory.
    package nonisolated let startNotice: [SimulatorLine]

    private let storage: SimulatorStorage
    private let engine: ConversationEngine
    private let virtualClock: VirtualClock?
    private let clock: any FlowClock
    private let log: TurnLog
    private var choices: [SimulatorChoice]?
    private var turns: [Transcript.Turn] = []
    private var pendingComments: [String] = []
    private var mediaCounter = 0
    private var closed = false

    /// Opens the store (``SimulatorConfiguration/database``), stores the flows and the contact.
    /// Call ``close()`` at the end when the configuration names a database.
    package init(configuration: SimulatorConfiguration) async throws(SimulatorError) {
        self.configuration = configuration
        let settings = configuration.settings
        let storage = try await SimulatorStorage.open(configuration)
        let start: SimulatorStart
        do {
            start = try await storage.prepare(
                configuration, userId: Self.userId, start: settings.realTime ? Date() : settings.clockStart, virtualClock: !settings.realTime)
        } catch {
            await storage.close()
            throw error
        }
        let log = TurnLog()
        let base: any FlowClock
        if settings.realTime {
            base = SystemClock()
            virtualClock = nil
        } else {
            let virtual = VirtualClock(start: start.clockStart)
            base = virtual
            virtualClock = virtual
        }
        let clock = LoggingClock(base: base, log: log)
        let environment = ExecutionEnvironment(
            clock: clock, ids: storage.ids, sender: SimulatorSender(log: log, messageIds: storage.messageIds),
            api: LoggingAPIClient(base: configuration.api, log: log), store: storage.store)
        self.engine = ConversationEngine(store: storage.store, executor: FlowExecutor(environment: environment), sessionTimeout: settings.sessionTimeout)
        self.storage = storage
        self.store = storage.store
        self.log = log
        self.clock = clock
        self.contact = start.contact
        self.choices = start.choices
        self.startNotice = start.notice
    }

    /// Closes the `--db` file (nothing to do in memory). The simulator must not be used after.
    package func close() async {
        guard !closed else { return }
        closed = true
        await storage.close()
    }

    /// What one typed line produced.
    package struct Reply: Sendable, Equatable {
        package var lines: [SimulatorLine]
        /// The input is part of the conversation and was added to the transcript.
        package var recorded: Bool
        /// `/quit`.
        package var quit: Bool
    }

    /// Handles one typed line: a message (or a choice of the last buttons/list) or a command.
    package func send(_ line: String) async -> Reply {
        switch SimulatorInput.parse(line) {
        case .empty:
            return Reply(lines: [], recorded: false, quit: false)
        case .invalid(let message):
            return Reply(lines: [SimulatorLine(.notice, message)], recorded: false, quit: false)
        case .message(let text):
            let inbound = choices.flatMap { SimulatorChoice.match(text, in: $0) }?.inbound ?? .text(text)
            return record(line, await deliver(inbound))
        case .command(let command):
            let lines = await run(command)
            if command == .quit { return Reply(lines: lines, recorded: false, quit: true) }
            return command.isRecorded ? record(line, lines) : Reply(lines: lines, recorded: false, quit: false)
        }
    }

    /// A comment for the transcript, written above the next recorded input.
    package func annotate(_ comment: String) {
        pendingComments.append(comment)
    }

    private func record(_ input: String, _ lines: [SimulatorLine]) -> Reply {
        let text = input.trimmingCharacters(in: .newlines)
        turns.append(Transcript.Turn(comments: pendingComments, input: text, output: lines.map(\.text)))
        pendingComments = []
        return Reply(lines: lines, recorded: true, quit: false)
    }

    /// The conversation so far as a transcript.
    package func transcript() -> Transcript {
        let settings = configuration.settings
        return Transcript(
            flows: configuration.flows.map(\.path), from: settings.from, context: settings.context.map { JSONValue.object($0).serialized() },
            mockAPI: configuration.mockAPIPath, showPayloads: settings.showPayloads, verbose: settings.verbose, turns: turns)
    }

    /// The current time of the simulator's clock.
    package func now() -> Date { clock.now() }

    // MARK: Messages

    /// Sends one inbound message through the conversation engine and renders what happened.
    package func deliver(_ inbound: InboundMessage) async -> [SimulatorLine] {
        var lines: [SimulatorLine] = []
        let settings = configuration.settings
        do {
            lines += try await prepareSession(for: inbound)
        } catch {
            return [SimulatorLine(.error, "✖ store error: \(error)")]
        }
        _ = log.drain()
        let renderOptions = SimulatorRenderer.Options(verbose: settings.verbose, showPayloads: settings.showPayloads)
        do {
            let outcome = try await engine.handle(userId: Self.userId, contact: contact, inbound: inbound, initialContext: settings.context)
            let entries = log.drain()
            switch outcome {
            case .noFlow:
                lines.append(SimulatorLine(.event, "∅ no flow matched your message"))
            case .ran(let flow, let run):
                var payloads: [String: JSONValue] = [:]
                for case .sent(_, let id, let payload) in entries { payloads[id] = payload }
                // The executor keeps API errors as `"\(error)"`; show the client's readable reason.
                var reasons = entries.compactMap { entry -> String? in
                    if case .apiCall(_, _, nil, let error?) = entry { error } else { nil }
                }[...]
                let events = run.events.map { event -> FlowRunEvent in
                    guard case .apiCall(let method, let url, nil, let error) = event, let reason = reasons.popFirst() else { return event }
                    return .apiCall(method: method, url: url, status: nil, error: reason.isEmpty ? error : reason)
                }
                lines += SimulatorRenderer.render(
                    events: events, result: run.result, flowName: configuration.flows.count > 1 ? flow.name : nil, payloads: payloads,
                    options: renderOptions)
                updateChoices(run.events.compactMap { if case .sent(let message, _) = $0 { message } else { nil } })
            case .failed(_, let failure):
                lines += failedTurn(failure.error, entries: entries, options: renderOptions)
            }
        } catch {
            lines += failedTurn(error, entries: log.drain(), options: renderOptions)
        }
        return lines
    }

    /// A turn whose run stopped with an error: what the turn log saw (sends, API calls, delays),
    /// then the error.
    private func failedTurn(
        _ error: FlowRunError, entries: [TurnLog.Entry], options renderOptions: SimulatorRenderer.Options
    ) -> [SimulatorLine] {
        var lines: [SimulatorLine] = []
        var sent: [OutboundMessage] = []
        for entry in entries {
            switch entry {
            case .sent(let message, let id, let payload):
                sent.append(message)
                lines += SimulatorRenderer.render(.sent(message, messageId: id), payloads: [id: payload], options: renderOptions)
            case .refused(let message, let error):
                lines += SimulatorRenderer.render(.sendFailed(message, error: error), options: renderOptions)
            case .apiCall(let method, let url, let status, let error):
                lines += SimulatorRenderer.render(.apiCall(method: method, url: url, status: status, error: error), options: renderOptions)
            case .delayed(let milliseconds):
                lines += SimulatorRenderer.render(.delayed(milliseconds: milliseconds), options: renderOptions)
            }
        }
        updateChoices(sent)
        switch error {
        case .invalidDefinition(let problem):
            lines.append(SimulatorLine(.error, "✖ the flow cannot be loaded: \(problem)"))
        default:
            lines.append(SimulatorLine(.error, "✖ flow error: \(error) (session Errored)"))
        }
        return lines
    }

    /// The choices of the last message sent this turn (nil when it had none); unchanged when
    /// nothing was sent, since WhatsApp keeps old buttons tappable.
    private func updateChoices(_ sent: [OutboundMessage]) {
        guard let last = sent.last else { return }
        choices = SimulatorChoice.choices(in: last)
    }

    /// Before the engine routes a message: notes a session that the engine is about to expire.
    private func prepareSession(for inbound: InboundMessage) async throws(StoreError) -> [SimulatorLine] {
        let now = clock.now()
        guard let session = try await store.openSession(contactId: contact.id), now.timeIntervalSince(session.updatedAt) > configuration.settings.sessionTimeout
        else { return [] }
        let idle = SimulatorDuration.format(milliseconds: Int(now.timeIntervalSince(session.updatedAt) * 1000))
        return [SimulatorLine(.event, "⌛ session \(session.flowId) idle for \(idle): completed with endReason \"timeout\"; this message starts over")]
    }

    // MARK: Commands

    private func run(_ command: SimulatorCommand) async -> [SimulatorLine] {
        do {
            return try await perform(command)
        } catch {
            return [SimulatorLine(.error, "✖ store error: \(error)")]
        }
    }

    private func perform(_ command: SimulatorCommand) async throws(StoreError) -> [SimulatorLine] {
        switch command {
        case .help:
            return Self.help.map { SimulatorLine(.notice, $0) }
        case .quit:
            return []
        case .vars(let all):
            return try await vars(all: all)
        case .node:
            return try await node()
        case .history:
            guard let session = try await currentSession() else { return [SimulatorLine(.info, "(no session yet: send a message to start one)")] }
            return ConversationView.lines(context: session.context).map { SimulatorLine(.info, $0) }
        case .reset:
            return try await reset()
        case .advance(let milliseconds):
            return try await advance(milliseconds: milliseconds)
        case .timeout:
            guard virtualClock != nil else { return [Self.realTimeNotice] }
            let timeout = Int(configuration.settings.sessionTimeout * 1000)
            guard let open = try await store.openSession(contactId: contact.id) else {
                return try await advance(milliseconds: timeout + 1000)
            }
            let idle = Int(clock.now().timeIntervalSince(open.updatedAt) * 1000)
            return try await advance(milliseconds: max(0, timeout - idle) + 1000)
        case .click(let number):
            guard let choices, !choices.isEmpty else {
                return [SimulatorLine(.error, "✖ the last bot message has no buttons or list rows to click")]
            }
            guard let choice = choices.first(where: { $0.number == number }) else {
                return [SimulatorLine(.error, "✖ there is no option \(number): the last bot message has options 1–\(choices.count)")]
            }
            return await deliver(choice.inbound)
        case .text(let text):
            return await deliver(.text(text))
        case .sendMedia(let media):
            mediaCounter += 1
            let digits = String(mediaCounter)
            let id = "10000000000" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            var lines: [SimulatorLine] = []
            if media.caption != nil, media.kind == .audio || media.kind == .sticker {
                lines.append(SimulatorLine(.notice, "note: WhatsApp \(media.kind.rawValue) messages have no caption; it is left out"))
            }
            return lines + (await deliver(media.inbound(generatedId: id)))
        case .save(let path):
            do {
                try transcript().write(to: path, mockAPIPath: configuration.mockAPIPath)
                return [SimulatorLine(.notice, "saved \(turns.count) turn\(turns.count == 1 ? "" : "s") to \(path)")]
            } catch {
                return [SimulatorLine(.notice, "✖ \(error)")]
            }
        }
    }

    static let realTimeNotice = SimulatorLine(.notice, "the clock is the wall clock (--real-time): /advance and /timeout need the virtual clock")

    package static let help: [String] = [
        "Type a message as the contact and press Enter. When the last bot message has buttons or list",
        "rows, type its number or its title (or /click N) to tap it: it is sent as an interactive reply.",
        "",
        "  /help                 this help",
        "  /vars [all]           the session context as JSON (all: include _meta.history)",
        "  /node                 current node, its type and the session status",
        "  /history              the conversation as the dashboard shows it (_meta.history)",
        "  /reset                complete the open session; the next message starts a fresh one",
        "  /advance DURATION     move the virtual clock: 30s, 5m, 2h, 1d, 1h30m (delays, 24 h timeout)",
        "  /timeout              move the clock just past the session timeout",
        "  /send-media KIND [URL|MEDIA_ID] [CAPTION]",
        "                        send image, document, video, audio or sticker",
        "  /click N              tap button or list row N of the last bot message",
        "  /text MESSAGE         send MESSAGE as plain text (even \"2\" or \"/start\")",
        "  /save FILE            write the transcript so far (replay it with --check)",
        "  /quit                 leave (also Ctrl-D)",
    ]

    /// The contact's open session, else its most recently updated one.
    private func currentSession() async throws(StoreError) -> SessionRecord? {
        if let open = try await store.openSession(contactId: contact.id) { return open }
        return try await store.sessions(contactId: contact.id).max { ($0.updatedAt, $0.createdAt, $0.id) < ($1.updatedAt, $1.createdAt, $1.id) }
    }

    private func vars(all: Bool) async throws(StoreError) -> [SimulatorLine] {
        guard let session = try await currentSession() else {
            return [SimulatorLine(.info, "(no session yet: send a message to start one)")]
        }
        var context = session.context ?? .object([:])
        if !all, case .object(var object) = context, case .object(var meta)? = object["_meta"], let history = meta["history"]?.arrayValue {
            meta["history"] = .string("… \(history.count) entr\(history.count == 1 ? "y" : "ies") (/vars all or /history shows them)")
            object["_meta"] = .object(meta)
            context = .object(object)
        }
        return context.serialized(indent: 2).split(separator: "\n", omittingEmptySubsequences: false).map { SimulatorLine(.info, String($0)) }
    }

    private func node() async throws(StoreError) -> [SimulatorLine] {
        guard let session = try await currentSession() else {
            return [SimulatorLine(.info, "(no session yet: send a message to start one)")]
        }
        let flow = configuration.flows.first { $0.name == session.flowId }
        var nodeText = "none"
        if let id = session.currentNodeId {
            let type = flow.flatMap { try? FlowDefinition.sanitize($0.definition) }?.nodes.first { $0.id == id }?.type
            nodeText = "\(id) (\(type?.rawValue ?? "not in the flow"))"
        }
        var lines = [
            SimulatorLine(.info, "node: \(nodeText)"),
            SimulatorLine(.info, "session: \(session.status) · flow \(session.flowId) · id \(session.id)"),
        ]
        if let reason = session.context?["endReason"], session.status == SessionStatus.completed.rawValue {
            lines.append(SimulatorLine(.info, "ended: \(SimulatorRenderer.display(reason))"))
        }
        if session.status == SessionStatus.active.rawValue || session.status == SessionStatus.paused.rawValue {
            let idle = max(0, Int(clock.now().timeIntervalSince(session.updatedAt) * 1000))
            lines.append(
                SimulatorLine(
                    .info,
                    "idle: \(SimulatorDuration.format(milliseconds: idle)) of the \(SimulatorDuration.format(milliseconds: Int(configuration.settings.sessionTimeout * 1000))) session timeout"
                ))
        }
        return lines
    }

    private func reset() async throws(StoreError) -> [SimulatorLine] {
        let open = try await store.sessions(contactId: contact.id).filter {
            ($0.status == SessionStatus.active.rawValue || $0.status == SessionStatus.paused.rawValue)
        }
        choices = nil
        guard !open.isEmpty else {
            return [SimulatorLine(.event, "↺ no open session: the next message starts a fresh one")]
        }
        var lines: [SimulatorLine] = []
        for session in open {
            do {
                try await store.updateSession(id: session.id, SessionPatch(status: .completed, currentNodeId: .some(nil)), at: clock.now())
                lines.append(SimulatorLine(.event, "↺ session \(session.flowId) completed: the next message starts over with a fresh context"))
            } catch {
                lines.append(SimulatorLine(.error, "✖ cannot reset session \(session.id): \(error)"))
            }
        }
        return lines
    }

    private func advance(milliseconds: Int) async throws(StoreError) -> [SimulatorLine] {
        guard let virtualClock else { return [Self.realTimeNotice] }
        virtualClock.advance(milliseconds: milliseconds)
        let now = clock.now()
        var lines = [SimulatorLine(.event, "⏩ +\(SimulatorDuration.format(milliseconds: milliseconds)) → \(ISOTimestamp.string(now))")]
        if let open = try await store.openSession(contactId: contact.id) {
            let idle = Int(now.timeIntervalSince(open.updatedAt) * 1000)
            let timeout = Int(configuration.settings.sessionTimeout * 1000)
            let limit = SimulatorDuration.format(milliseconds: timeout)
            if idle > timeout {
                lines.append(
                    SimulatorLine(
                        .event,
                        "   session \(open.flowId) idle \(SimulatorDuration.format(milliseconds: idle)) > \(limit): the next message completes it (endReason \"timeout\") and starts over"
                    ))
            } else {
                lines.append(
                    SimulatorLine(.event, "   session \(open.flowId) idle \(SimulatorDuration.format(milliseconds: idle)) of \(limit) before it times out"))
            }
        }
        return lines
    }
}
