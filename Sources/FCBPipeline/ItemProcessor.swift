import FCBRealtime
import FCBStore
import FCBSupport
import FlowEngine
import Foundation
import Logging

/// What to do with an item after processing it.
enum ItemDisposition: Sendable, Equatable {
    case done
    /// Set aside with a reason: visible, replayable, never dropped.
    case park(String)
    /// Try again later (the error is recorded on the item).
    case retry(String)
    /// A durable delay: run again at `until`, continuing where the flow stopped.
    case wait(until: Date)

    var isRetry: Bool {
        if case .retry = self { return true }
        return false
    }
}

/// Everything an item's processing needs, shared by all workers.
struct PipelineContext: Sendable {
    let store: any PipelineStore
    /// Flows read by routing, reused for a bounded time (docs/serve.md#read-caches).
    let flows: FlowCache
    let engine: ConversationEngine
    let events: any RealtimeEventSink
    let metrics: PipelineMetrics
    let triggers: TriggerResults
    /// When replies Meta did not accept are sent again (docs/serve.md#graph-outages).
    let deferrals: SendDeferrals
    let logger: Logger

    var clock: any FlowClock { engine.executor.environment.clock }
    var ids: any IDGenerator { engine.executor.environment.ids }
}

/// Processes one leased inbox item (docs/serve.md#processing-an-item).
struct ItemProcessor: Sendable {
    let context: PipelineContext

    func process(_ item: InboxItem, journal: ItemJournal) async throws(StoreError) -> ItemDisposition {
        switch item.kind {
        case .message: return try await MessageHandler(context: context).handle(item, journal: journal)
        case .status: return try await StatusHandler(context: context).handle(item, unit: journal.unit)
        case .trigger: return try await TriggerHandler(context: context).handle(item, journal: journal)
        case .unrouted:
            context.logger.info(
                "stored without processing: \(item.payload["reason"]?.stringValue ?? "nothing to run")", metadata: ["item": "\(item.id)"])
            return .done
        case .invalid:
            let issues = item.payload["issues"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "; ") ?? "undecodable item"
            return .park("invalid item at \(item.payload["pointer"]?.stringValue ?? "?"): \(issues)")
        case .unrecognized(let kind):
            return .park("unknown inbox item kind '\(kind)'")
        }
    }
}
