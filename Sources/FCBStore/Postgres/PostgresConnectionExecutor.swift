import FlowEngine
import Logging
import PostgresNIO

/// Statements inside one transaction: all on the leased connection.
struct PostgresConnectionExecutor: SQLExecutor {
    let dialect = SQLDialect.postgres
    let connection: PostgresConnection
    let logger: Logger
    let database: String

    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        let statement = try PostgresStatement(query)
        do {
            return try await statement.run(on: connection, logger: logger)
        } catch {
            throw PostgresErrorMapping.storeError(error, database: database)
        }
    }
}

/// Runs SQL text holding several statements (a Prisma `migration.sql`) on one connection,
/// statement by statement (postgres-nio has no simple-query protocol), inside the caller's
/// transaction.
package protocol SQLScriptRunner: SQLExecutor {
    func runScript(_ sql: String) async throws(StoreError)
}

extension PostgresConnectionExecutor: SQLScriptRunner {
    func runScript(_ sql: String) async throws(StoreError) {
        for statement in SQLScript.statements(in: sql) {
            do {
                try await query(SQLQuery(unsafeSQL: statement.text))
            } catch {
                // The server counts error positions within the statement; report them within the script.
                guard var report = error.report, let position = report.position else { throw error }
                report.position = statement.scriptPosition(position)
                throw StoreError(error.kind, error.message, report: report)
            }
        }
    }
}
