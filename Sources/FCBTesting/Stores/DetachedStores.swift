import FCBStore
import FlowEngine

extension PostgresBackend {
    /// A backend whose pool runs in a task of its own until `close()`: tests use stores outside
    /// any service group or `SQLStore.withOpened` scope.
    package static func detached(settings: PostgresSettings, operationTimeout: Duration = .seconds(10)) throws(StoreError) -> PostgresBackend {
        let backend = try PostgresBackend(settings: settings, operationTimeout: operationTimeout)
        backend.runDetached()
        return backend
    }
}

extension SQLStore {
    /// A store for tests and benchmarks outside any service group: `prepare`, the pool running
    /// in a task of its own that `close()` ends, `probe` and `start(installSchema:)`.
    package static func openDetached(_ url: DatabaseURL, installSchema: Bool = true) async throws(StoreError) -> SQLStore {
        let store = try await prepare(url)
        (store.database as? PostgresBackend)?.runDetached()
        do {
            try await store.probe()
            try await store.start(installSchema: installSchema)
            return store
        } catch {
            await store.close()
            throw error
        }
    }
}
