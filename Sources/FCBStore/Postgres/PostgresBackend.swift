import FCBSupport
import FlowEngine
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The production database: a postgres-nio `PostgresClient` pool. Every session starts with
/// `TimeZone=UTC` (Prisma's `TIMESTAMP(3)` columns hold UTC wall time) and the URL's schema as
/// `search_path`. Operations that cannot reach the server fail with `unavailable` after
/// `operationTimeout` instead of waiting for the pool forever.
///
/// The pool does its work while ``run()`` runs: `fcb serve` runs it as the first service of its
/// `ServiceGroup` (so it stops last), one-shot commands inside `SQLStore.withOpened`'s scope
/// (docs/architecture.md). Nothing here starts a task of its own.
package final class PostgresBackend: SQLDatabase, Service {
    package let dialect = SQLDialect.postgres
    package let settings: PostgresSettings
    let client: PostgresClient
    let operationTimeout: Duration
    let logger: Logger
    /// Set only by ``runDetached()`` (tests and benchmarks); ``close()`` ends it.
    private let detachedRun = DetachedRun()

    package init(
        settings: PostgresSettings, operationTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "fcb.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(StoreError) {
        self.settings = settings
        self.operationTimeout = operationTimeout
        self.logger = logger
        self.client = PostgresClient(configuration: try settings.clientConfiguration(), backgroundLogger: logger)
    }

    package var displayName: String { settings.redactedDescription }

    /// Runs the pool until the task is cancelled or the service group shuts down gracefully.
    package func run() async throws {
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    /// Runs the pool in a task of its own until ``close()``: for tests and benchmarks, which
    /// open stores outside any service group (FCBTesting). Product code uses ``run()``.
    package func runDetached() {
        let client = client
        detachedRun.start { await client.run() }
    }

    /// Ends a detached run (``runDetached()``); a pool run by a service group or a scope ends with it.
    package func close() async {
        await detachedRun.stop()
    }

    @discardableResult
    package func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        let statement = try PostgresStatement(query)
        return try await withDeadline { [client, logger] in
            try await statement.run(on: client, logger: logger)
        }
    }

    package func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        // When the deadline passes the caller gets `unavailable`, but a COMMIT already on the wire
        // may still land: like any timeout, the outcome is unknown, so writers stay idempotent.
        try await withDeadline(operationTimeout * 3) { [client, logger] in
            try await client.withConnection { connection in
                let executor = PostgresConnectionExecutor(connection: connection, logger: logger, database: self.displayName)
                try await executor.query("BEGIN")
                do {
                    let value = try await body(executor)
                    try await executor.query("COMMIT")
                    return value
                } catch {
                    // A lost connection rolls back by itself; a failed ROLLBACK adds nothing.
                    _ = try? await executor.query("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// Runs `operation`, failing with `unavailable` when it takes longer than `operationTimeout`.
    func withDeadline<T: Sendable>(
        _ limit: Duration? = nil, _ operation: @escaping @Sendable () async throws -> T
    ) async throws(StoreError) -> T {
        let timeout = limit ?? operationTimeout
        let name = displayName
        do {
            return try await FCBSupport.withDeadline(
                timeout, onTimeout: { StoreError(.unavailable, "database \(name) did not answer within \(timeout.formattedSeconds)") },
                operation)
        } catch let error as StoreError {
            // The pool hides why it cannot connect (it retries quietly); one direct attempt says why.
            if error.kind == .unavailable, error.message.contains("did not answer"), let cause = await probeFailure() {
                throw cause
            }
            throw error
        } catch {
            throw PostgresErrorMapping.storeError(error, database: name)
        }
    }
}
