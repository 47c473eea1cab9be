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
        let runner = FlowRunner(context: context, journal: journal)
        guard let flow = try await runner.store.flow(id: flowId), flow.userId == userId else {
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

        let step = try await runner.withTyping(contact: contact) { () async throws(StoreError) -> FlowRunner.Step in
            if let resumed = try await runner.resume() { return resumed }
            let started = try await runner.engine.start(
                flow: flow, contact: contact, inbound: fields.inbound, variables: fields.variables, willRun: runner.markStart)
            return .finished(session: started.session, flow: flow, result: started.result)
        }
        if case .waiting = step { return try await runner.conclude(step, item: item) }
        guard case .finished(let session, _, let result) = step else { return .done }
        if journal.progress.result == nil {
            let reply = Self.result(result, flow: flow, session: session, contact: contact)
            if case .failure(let failure)? = result, case .store(let error) = failure.error, error.kind == .unavailable {
                // Retried: the answer comes from the attempt that finishes.
            } else {
                try await answer(item, journal, reply)
            }
        }
        return try await runner.conclude(step, item: item)
    }

    /// Commits the answer with everything before it, then hands it to the waiting request: a
    /// request is never told of a run that could still roll back.
    @discardableResult
    private func answer(_ item: InboxItem, _ journal: ItemJournal, _ result: TriggerResult) async throws(StoreError) -> ItemDisposition {
        journal.update { $0.result = result }
        try await journal.unit.commit()
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
