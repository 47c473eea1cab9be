import FlowEngine

/// ``PipelineStore`` (with ``FlowStore``, ``TenantStore``, ``InboxStore``) and ``BroadcastStore``
/// on PostgreSQL or SQLite: one set of statements, values always bound. Writers set `id` and
/// `updatedAt` (Prisma's `cuid()` and `@updatedAt` live in the client, not in the database).
package final class SQLStore: FlowStore, TenantStore, InboxStore {
    package let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Opens the database a URL names. SQLite gets its whole schema created or upgraded;
    /// PostgreSQL gets fcb's own `fcb` schema (the shared tables belong to the dashboard's
    /// migrations: `fcb migrate-deploy`).
    package static func open(_ url: DatabaseURL, installSchema: Bool = true) async throws(StoreError) -> SQLStore {
        let database: any SQLDatabase
        switch url {
        case .postgres(let settings):
            let backend = try PostgresBackend(settings: settings)
            // Fail fast with the real reason (wrong password, no such database, refused).
            if let failure = await backend.probeFailure() {
                await backend.close()
                throw failure
            }
            database = backend
        case .sqlite(let path): database = try await SQLiteBackend.open(path: path)
        case .sqliteMemory: database = try await SQLiteBackend.open(path: nil)
        }
        if installSchema {
            do {
                try await FCBSchema.install(on: database)
            } catch {
                await database.close()
                throw error
            }
        }
        return SQLStore(database: database)
    }

    package func close() async { await database.close() }
}

extension SQLStore {
    /// Opens the database `url` names, runs `body` with it, and closes it on every path (also
    /// when `body` throws): one-shot commands never leave a pool or file handle behind.
    package static func withOpened<Result>(
        _ url: DatabaseURL, installSchema: Bool = true, _ body: (SQLStore) async throws -> Result
    ) async throws -> Result {
        let store = try await open(url, installSchema: installSchema)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
