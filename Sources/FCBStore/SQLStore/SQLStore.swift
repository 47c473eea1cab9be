import FlowEngine
import ServiceLifecycle

/// ``PipelineStore`` (with ``FlowStore``, ``TenantStore``, ``InboxStore``) and ``BroadcastStore``
/// on PostgreSQL or SQLite: one set of statements, values always bound. Writers set `id` and
/// `updatedAt` (Prisma's `cuid()` and `@updatedAt` live in the client, not in the database).
package final class SQLStore: FlowStore, TenantStore, InboxStore {
    package let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// The store a URL names, before any I/O on PostgreSQL (the pool runs only while
    /// ``services`` run); SQLite opens its file here. Then ``start(installSchema:)``.
    package static func prepare(_ url: DatabaseURL) async throws(StoreError) -> SQLStore {
        switch url {
        case .postgres(let settings): SQLStore(database: try PostgresBackend(settings: settings))
        case .sqlite(let path): SQLStore(database: try await SQLiteBackend.open(path: path))
        case .sqliteMemory: SQLStore(database: try await SQLiteBackend.open(path: nil))
        }
    }

    /// What must run for the store to work: PostgreSQL's connection pool (`fcb serve` puts it
    /// first in its service group); nothing for SQLite.
    package var services: [any Service] {
        (database as? PostgresBackend).map { [$0] } ?? []
    }

    /// Fails fast with the real reason when PostgreSQL cannot be reached (wrong password, no
    /// such database, refused) — one direct connection, no pool needed.
    package func probe() async throws(StoreError) {
        if let backend = database as? PostgresBackend, let failure = await backend.probeFailure() { throw failure }
    }

    /// Creates or upgrades the schema when `installSchema`: SQLite gets its whole schema,
    /// PostgreSQL fcb's own `fcb` schema (the shared tables belong to the dashboard's
    /// migrations: `fcb migrate-deploy`). Needs ``services`` running.
    package func start(installSchema: Bool) async throws(StoreError) {
        if installSchema { try await FCBSchema.install(on: database) }
    }

    package func close() async { await database.close() }
}

extension SQLStore {
    /// Opens the database `url` names, runs `body` with it, and closes it on every path (also
    /// when `body` throws). PostgreSQL's pool runs in a child task for exactly this scope, so
    /// a one-shot command leaves nothing running behind it.
    package static func withOpened<Result: Sendable>(
        _ url: DatabaseURL, installSchema: Bool = true, _ body: (SQLStore) async throws -> Result
    ) async throws -> Result {
        let store = try await prepare(url)
        do {
            try await store.probe()
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                for service in store.services { group.addTask { try await service.run() } }
                defer { group.cancelAll() }
                try await store.start(installSchema: installSchema)
                return try await body(store)
            }
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
