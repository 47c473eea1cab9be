import FCBStore
import FlowEngine

/// The flows every message re-reads — a tenant's active flows, and a flow by id — reused for
/// at most `maxAge` (docs/serve.md#read-caches). A flow the dashboard saves is used by the next
/// message after at most that long.
package final class FlowCache: Sendable {
    private let active: FreshnessCache<String, [FlowRecord]>
    private let byId: FreshnessCache<String, FlowRecord?>

    package init(maxAge: Duration) {
        active = FreshnessCache(maxAge: maxAge)
        byId = FreshnessCache(maxAge: maxAge)
    }

    func activeFlows(userId: String, store: any FlowStore) async throws(StoreError) -> [FlowRecord] {
        try await active.value(for: userId) { () async throws(StoreError) -> [FlowRecord] in try await store.activeFlows(userId: userId) }
    }

    func flow(id: String, store: any FlowStore) async throws(StoreError) -> FlowRecord? {
        try await byId.value(for: id) { () async throws(StoreError) -> FlowRecord? in try await store.flow(id: id) }
    }
}
