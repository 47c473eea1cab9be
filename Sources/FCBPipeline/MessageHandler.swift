import FCBStore
import FlowEngine
import Foundation
import WhatsAppCloud

/// One inbound message (docs/serve.md#processing-an-item): contact upsert, the inbound Message row
/// and its `message:new`, then the flow run between typing events, then the Log snapshot — the
/// rows staged on the item's unit of work (docs/serve.md#units-of-work).
struct MessageHandler: Sendable {
    let context: PipelineContext

    func handle(_ item: InboxItem, journal: ItemJournal) async throws(StoreError) -> ItemDisposition {
        guard let userId = item.userId else { return .park("message item has no tenant") }
        guard let event = Self.decode(item.payload) else {
            return .park("stored message can no longer be decoded: \(item.payload["value"]?["messages"]?.serialized() ?? "missing")")
        }
        let message = event.message
        guard let phone = message.from.flatMap(PhoneNumber.normalize) else {
            // Username (BSUID-only) senders have no phone; Contact rows are keyed by phone.
            return .park("sender has no phone number (from_user_id \(message.fromUserId ?? "none")); fcb cannot store or answer it yet")
        }
        let now = context.clock.now()
        let contact: ContactRecord
        switch try await context.store.upsertContact(
            userId: userId, phone: phone, name: event.contact?.profileName, newId: context.ids.next(), at: now)
        {
        case .created(let created), .existing(let created): contact = created
        case .ownedByAnotherTenant(let owner):
            context.logger.warning(
                "phone belongs to another tenant; message kept in the inbox, parked",
                metadata: ["item": "\(item.id)", "tenant": "\(userId)", "owner": "\(owner)"])
            return .park("phone \(phone) belongs to another tenant's contact (Contact_phone_key is global); message kept here")
        }
        let content = message.inboundContent
        journal.unit.stage(.message(inboundRow(message, content: content, contact: contact, at: now), appliesKeptStatuses: false))
        guard content.runsFlows else { return .done }

        let runner = FlowRunner(context: context, journal: journal)
        let step = try await runner.withTyping(contact: contact) { () async throws(StoreError) -> FlowRunner.Step in
            if let resumed = try await runner.resume() { return resumed }
            return try await route(userId: userId, contact: contact, inbound: content.inbound, runner: runner)
        }
        return try await runner.conclude(step, item: item)
    }

    private func route(userId: String, contact: ContactRecord, inbound: InboundMessage, runner: FlowRunner) async throws(StoreError) -> FlowRunner.Step {
        let outcome: ConversationEngine.Outcome
        do {
            outcome = try await runner.engine.handle(userId: userId, contact: contact, inbound: inbound, willRun: runner.markStart)
        } catch {
            if case .store(let storeError) = error { throw storeError }
            throw StoreError(.unavailable, "\(error)")
        }
        switch outcome {
        case .noFlow: return .noFlow
        case .ran(let flow, let run): return .finished(session: run.session, flow: flow, result: .success(run))
        case .failed(let flow, let failure): return .finished(session: failure.session, flow: flow, result: .failure(failure))
        }
    }

    /// The inbound Message row (docs/compatibility.md#messages); a row already there (same wamid, an
    /// earlier attempt) is kept as it is (`insertMessageIfAbsent`), and announced only when new.
    private func inboundRow(_ message: WebhookMessage, content: InboundContent, contact: ContactRecord, at now: Date) -> MessageRecord {
        let raw = message.raw
        let media = raw["image"] ?? raw["video"] ?? raw["audio"] ?? raw["document"] ?? .null
        let type = message.type ?? "text"
        return MessageRecord(
            id: context.ids.next(), waMessageId: message.id.isEmpty ? nil : message.id, direction: "inbound", type: type,
            content: content.text,
            payload: ["type": .string(type), "text": raw["text"]?["body"] ?? .null, "interactive": raw["interactive"] ?? .null, "media": media],
            status: "Delivered", statusUpdatedAt: now, createdAt: now, contactId: contact.id, userId: contact.userId)
    }

    /// The stored single-message change, decoded once with the delivery's rules.
    static func decode(_ payload: JSONValue) -> WebhookMessageEvent? {
        payload["value"].flatMap(WebhookChangeValue.decodeStored)?.storedMessageEvent
    }
}
