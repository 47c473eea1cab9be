import FlowEngine

/// Runs statements on one connection or in one transaction. The stores are written once
/// against this and run on PostgreSQL (postgres-nio) and SQLite (sqlite-nio).
package protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `query` and returns every row (drained, so errors cannot hide in an unread stream).
    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow]
}

/// A pool (PostgreSQL) or a serialised connection (SQLite).
package protocol SQLDatabase: SQLExecutor {
    /// Runs `body` inside BEGIN … COMMIT on one connection; ROLLBACK when it throws. Nothing
    /// `body` wrote survives an error, including a lost connection.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T

    /// A short human description for logs and the effective-config line (no secrets).
    var displayName: String { get }

    /// Closes every connection; later calls fail with `unavailable`.
    func close() async
}

extension SQLExecutor {
    /// Runs several statements that carry no values (DDL), one at a time.
    package func execute(script statements: [String]) async throws(StoreError) {
        for statement in statements { try await query(SQLQuery(unsafeSQL: statement)) }
    }

    /// The first row, or nil.
    package func first(_ query: SQLQuery) async throws(StoreError) -> SQLRow? {
        try await self.query(query).first
    }
}
