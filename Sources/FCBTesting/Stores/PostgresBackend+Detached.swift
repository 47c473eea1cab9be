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
