import FCBStore
import FCBSupport
import FlowEngine
import Foundation

/// Where a ``Simulator`` keeps its conversation: an ``InMemoryStore`` with sequential ids (the
/// default: every run starts empty and prints the same bytes), or a SQLite file (`--db`) with
/// collision-free cuid ids, so a later run continues the conversation an earlier one left.
struct SimulatorStorage: Sendable {
    let store: any FlowStore & TenantStore
    /// The SQLite store to close at the end (`--db`); nil in memory.
    let database: SQLStore?
    /// Row ids (sessions, contacts, messages).
    let ids: any IDGenerator
    /// The `wamid`s the fake sender answers: nil for `wamid.SIM000001`, `wamid.SIM000002`, …;
    /// with `--db` a cuid-based id, since `Message.waMessageId` is unique in the file.
    let messageIds: (any IDGenerator)?

    static let userEmail = "simulator@fcb.local"

    static func open(_ configuration: SimulatorConfiguration) async throws(SimulatorError) -> SimulatorStorage {
        guard let path = configuration.database else {
            return SimulatorStorage(store: InMemoryStore(), database: nil, ids: SequentialIDGenerator(prefix: "sim"), messageIds: nil)
        }
        guard !path.isEmpty else {
            throw SimulatorError("--db needs the path of a SQLite file, e.g. --db sim.sqlite")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SimulatorError(
                "--db \(path): is a directory; give the path of a SQLite file, e.g. --db \((path as NSString).appendingPathComponent("sim.sqlite"))")
        }
        let database: SQLStore
        do {
            // SQLite: nothing runs beside the store, so no service group or scope is needed.
            database = try await SQLStore.prepare(.sqlite(path: path))
            try await database.start(installSchema: true)
        } catch {
            throw SimulatorError("--db \(path): \(error.message)")
        }
        let ids = CUIDGenerator()
        return SimulatorStorage(store: database, database: database, ids: ids, messageIds: ids)
    }

    func close() async {
        await database?.close()
    }
}

/// What a simulator starts from: its contact, the clock's start, and with `--db` what an
/// earlier run left (the choices of the last bot message, a note on the open session).
struct SimulatorStart: Sendable {
    var contact: ContactRecord
    var clockStart: Date
    var choices: [SimulatorChoice]?
    var notice: [SimulatorLine]
}

extension SimulatorStorage {
    /// Makes the store ready for the conversation: the simulator's user, the flows (upserted
    /// as Active; the user's other Active flows from earlier runs are set Inactive), and the
    /// contact for `--from` (reused when the file has it). Everything is checked before
    /// anything is written, so a refused file is left as it was.
    ///
    /// - Parameter start: the clock's start when nothing was stored before; with `--db` the
    ///   virtual clock continues one second after the contact's last stored activity.
    func prepare(
        _ configuration: SimulatorConfiguration, userId: String, start: Date, virtualClock: Bool
    ) async throws(SimulatorError)
        -> SimulatorStart
    {
        do {
            return try await prepareStore(configuration, userId: userId, start: start, virtualClock: virtualClock)
        } catch {
            guard let path = configuration.database else { throw SimulatorError("cannot prepare the in-memory store: \(error.message)") }
            throw SimulatorError("--db \(path): \(error.message)")
        }
    }

    private func prepareStore(
        _ configuration: SimulatorConfiguration, userId: String, start: Date, virtualClock: Bool
    ) async throws(StoreError)
        -> SimulatorStart
    {
        let phone = configuration.settings.from
        // Checks first.
        let user = try await store.user(id: userId)
        let existing = try await store.contact(phone: phone)
        if let existing, existing.userId != userId {
            throw StoreError(
                .conflict,
                "the phone +\(phone) belongs to contact \(existing.id) of user \(existing.userId), not to the simulator's user \(userId); use another --from or another file"
            )
        }
        for flow in configuration.flows {
            if let stored = try await store.flow(id: flow.name), stored.userId != userId {
                throw StoreError(
                    .conflict, "flow id \"\(flow.name)\" belongs to user \(stored.userId), not to the simulator's user \(userId); use another file")
            }
        }
        var sessions: [SessionRecord] = []
        if let existing { sessions = try await store.sessions(contactId: existing.id) }
        var clockStart = start
        if virtualClock, let latest = (sessions.map(\.updatedAt) + [existing?.updatedAt].compactMap { $0 }).max() {
            clockStart = max(start, latest.addingTimeInterval(1))
        }

        // Then writes.
        if user == nil {
            try await store.insertUser(UserRecord(id: userId, email: Self.userEmail, name: "fcb simulate", createdAt: clockStart, updatedAt: clockStart))
        }
        let given = Set(configuration.flows.map(\.name))
        for var stale in try await store.activeFlows(userId: userId) where !given.contains(stale.id) {
            stale.status = "Inactive"
            stale.updatedAt = clockStart
            try await store.saveFlow(stale)
        }
        // Flows dated in the order given: on a tie the flow listed last counts as the most
        // recently saved, which is the one `serve` prefers.
        for (index, flow) in configuration.flows.enumerated() {
            let date = clockStart.addingTimeInterval(Double(index - configuration.flows.count) / 1000)
            // An upsert: a flow stored by an earlier run keeps its createdAt.
            try await store.saveFlow(
                FlowRecord(
                    id: flow.name, name: flow.name, trigger: flow.trigger, status: FlowRecord.activeStatus, definition: flow.definition, createdAt: date,
                    updatedAt: date, userId: userId))
        }
        guard let existing else {
            let contact = ContactRecord(id: ids.next(), phone: phone, name: "Simulator", createdAt: clockStart, updatedAt: clockStart, userId: userId)
            try await store.insertContact(contact)
            let notice = database == nil ? [] : [SimulatorLine(.event, "💾 \(configuration.database ?? ""): a new conversation with +\(phone)")]
            return SimulatorStart(contact: contact, clockStart: clockStart, choices: nil, notice: notice)
        }
        var choices: [SimulatorChoice]?
        if let open = try await store.openSession(contactId: existing.id) {
            choices = SimulatorChoice.restored(from: try await store.messages(contactId: existing.id), session: open.id)
        }
        let notice = try await resumeNotice(configuration, contact: existing, sessions: sessions, choices: choices)
        return SimulatorStart(contact: existing, clockStart: clockStart, choices: choices, notice: notice)
    }

    /// What the file holds for the contact, printed before the first input.
    private func resumeNotice(
        _ configuration: SimulatorConfiguration, contact: ContactRecord, sessions: [SessionRecord], choices: [SimulatorChoice]?
    ) async throws(StoreError) -> [SimulatorLine] {
        let file = configuration.database ?? ""
        let open = sessions.filter { $0.status == SessionStatus.active.rawValue || $0.status == SessionStatus.paused.rawValue }
        guard let session = open.max(by: { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }) else {
            let last = sessions.max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
            let ended = last.map { " (last session: \($0.flowId), \($0.status))" } ?? ""
            return [SimulatorLine(.event, "💾 \(file): +\(contact.phone) has no open session\(ended); the next message starts one")]
        }
        guard configuration.flows.contains(where: { $0.name == session.flowId }) else {
            return [
                SimulatorLine(
                    .event, "💾 \(file): the open session of flow \(session.flowId) is not resumed (that flow is not given now); the next message starts one")
            ]
        }
        var node = "no node"
        if let id = session.currentNodeId {
            let flow = configuration.flows.first { $0.name == session.flowId }
            let type = flow.flatMap { try? FlowDefinition.sanitize($0.definition) }?.nodes.first { $0.id == id }?.type
            node = "node \(id)" + (type.map { " (\($0.rawValue))" } ?? "")
        }
        var lines = [
            SimulatorLine(
                .event, "💾 \(file): resuming session \(session.flowId), \(session.status) at \(node), last activity \(ISOTimestamp.string(session.updatedAt))")
        ]
        if let choices, !choices.isEmpty {
            lines.append(
                SimulatorLine(.event, "   the last bot message's choices still work: " + choices.map { "[\($0.number)] \($0.title)" }.joined(separator: " · ")))
        }
        return lines
    }
}

extension SimulatorChoice {
    /// The choices of the last message the bot sent (a `Sent` outbound row), rebuilt from an
    /// options row's `{text, options}` payload the way the executor presented them; nil when that
    /// message had none or belongs to another session than the open one (e.g. after `/reset`).
    static func restored(from messages: [MessageRecord], session: String) -> [SimulatorChoice]? {
        guard let last = messages.last(where: { $0.direction == "outbound" && $0.status == "Sent" }), last.sessionId == session,
            last.type == "interactive",
            let options = last.payload?["options"]?.arrayValue, !options.isEmpty
        else { return nil }
        let presentation = OptionsPresentation(options: options.map(JSCoercion.toString))
        let message = presentation.message(body: last.content ?? "", listButton: nil)
        return choices(in: message)
    }
}
