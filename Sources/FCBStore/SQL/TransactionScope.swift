import FlowEngine

/// The database as seen from inside one transaction: every statement runs on the
/// transaction's connection, and a nested ``transaction(_:)`` joins the one already open (so
/// store methods that use a transaction of their own compose into a unit of work,
/// docs/serve.md#units-of-work).
struct TransactionScope: SQLDatabase {
    let executor: any SQLExecutor
    let displayName: String

    var dialect: SQLDialect { executor.dialect }

    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        try await executor.query(query)
    }

    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        try await body(executor)
    }

    /// The transaction belongs to the database that opened it, which closes it.
    func close() async {}
}
