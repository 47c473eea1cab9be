import FCBStore
import FlowEngine
import Foundation

/// A manual trigger item (docs/compatibility.md#manual-trigger, with the changes in
/// docs/differences.md#webhook-ingestion): the flow is the one named, `variables` are merged into
/// the session, a Paused session takes the message as its reply.
/// The HTTP answer is stored on the item and handed to the waiting request.
struct TriggerHandler: Sendable {
    let context: PipelineContext

    func handle(_ item: InboxItem, journal: ItemJournal) async throws(StoreError) -> ItemDisposition {
        guard let userId = item.userId, let fields = TriggerFields(payload: item.payload), let flowId = item.payload["flowId"]?.stringValue else {
            return .park("stored trigger can no longer be read")
        }
        if journal.progress.result != nil, journal.progress.stage != .wait {
            return .done  // answered already; an earlier attempt stopped before finishing the item
        }
        guard let flow = try await context.store.flow(id: flowId), flow.userId == userId else {
            return try await answer(item, journal, TriggerResult(status: 404, body: ["error": "Flow not found"]))
        }
        guard flow.isWhatsAppChannel else {
            return try await answer(item, journal, TriggerResult(status: 409, body: ["error": "Flow is not configured for WhatsApp"]))
        }
        guard flow.isActive else {
            return try await answer(item, journal, TriggerResult(status: 409, body: ["error": "Flow is not active"]))
        }
        let now = context.clock.now()
        let contact: ContactRecord
        switch try await context.store.upsertContact(userId: userId, phone: fields.phone, name: fields.name, newId: context.ids.next(), at: now) {
        case .created(let c), .existing(let c): contact = c
        case .ownedByAnotherTenant:
            return try await answer(item, journal, TriggerResult(status: 409, body: ["error": "Contact phone number belongs to another account"]))
        }

        let runner = FlowRunner(context: context)
        let step = try await runner.withTyping(contact: contact) { () async throws(StoreError) -> FlowRunner.Step in
            if let resumed = try await runner.resume(journal: journal) { return resumed }
            let session = try await prepareSession(flow: flow, contact: contact, variables: fields.variables, now: now)
            try await runner.markStart(journal)(session)
            let result = await runner.executor(for: journal).execute(session: session, flow: flow, contact: contact, inbound: fields.inbound)
            return .finished(session: session, flow: flow, result: result)
        }
        if case .waiting = step { return try await runner.conclude(step, item: item, journal: journal) }
        guard case .finished(let session, _, let result) = step else { return .done }
        if journal.progress.result == nil {
            let answer = Self.result(result, flow: flow, session: session, contact: contact)
            if case .failure(let failure)? = result, case .store(let error) = failure.error, error.kind == .unavailable {
                // Retried: the answer comes from the attempt that finishes.
            } else {
                try await journal.update { $0.result = answer }
                context.triggers.deliver(answer, for: item.id)
            }
        }
        return try await runner.conclude(step, item: item, journal: journal)
    }

    /// The session of (contact, flow): created, restarted, or kept with `variables` merged in.
    private func prepareSession(flow: FlowRecord, contact: ContactRecord, variables: JSONObject?, now: Date) async throws(StoreError) -> SessionRecord {
        guard var session = try await context.store.session(contactId: contact.id, flowId: flow.id) else {
            let created = SessionRecord(
                id: context.ids.next(), context: variables.map(JSONValue.object), createdAt: now, updatedAt: now, contactId: contact.id, flowId: flow.id)
            try await context.store.createSession(created)
            return created
        }
        let finished = session.status == SessionStatus.completed.rawValue || session.status == SessionStatus.errored.rawValue
        if finished {
            session.status = SessionStatus.active.rawValue
            session.currentNodeId = nil
            session.context = .object(variables ?? [:])
            try await context.store.updateSession(
                id: session.id, SessionPatch(status: SessionStatus(rawValue: session.status), currentNodeId: .some(nil), context: session.context), at: now)
        } else if let variables {
            var merged = session.context?.objectValue ?? [:]
            for (key, value) in variables { merged[key] = value }
            session.context = .object(merged)
            try await context.store.updateSession(id: session.id, SessionPatch(context: session.context), at: now)
        }
        session.updatedAt = now
        return session
    }

    private func answer(_ item: InboxItem, _ journal: ItemJournal, _ result: TriggerResult) async throws(StoreError) -> ItemDisposition {
        try await journal.update { $0.result = result }
        context.triggers.deliver(result, for: item.id)
        return .done
    }

    static func result(
        _ run: Result<FlowRunOutcome, FlowRunFailure>?, flow: FlowRecord, session: SessionRecord, contact: ContactRecord
    ) -> TriggerResult {
        switch run {
        case .failure(let failure)?:
            if case .send(let error) = failure.error { return TriggerResult(status: error.status ?? 500, body: ["error": .string(error.message)]) }
            return TriggerResult(status: 500, body: ["error": "Failed to execute flow"])
        case nil where session.status == SessionStatus.errored.rawValue:
            // Finished by an attempt that stopped before answering, and it failed.
            return TriggerResult(status: 500, body: ["error": "Failed to execute flow"])
        default:
            return TriggerResult(
                status: 200,
                body: [
                    "success": true, "flowId": .string(flow.id), "sessionId": .string(session.id), "contactId": .string(contact.id),
                ])
        }
    }
}
