import FlowEngine
import PostgresNIO

/// Turns postgres-nio errors into ``StoreError``s whose messages say what happened in words an
/// operator can act on (the SQLSTATE is kept for the log).
enum PostgresErrorMapping {
    static func storeError(_ error: any Error, database: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let transaction = error as? PostgresTransactionError {
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError
            if let inner { return storeError(inner, database: database) }
        }
        guard let error = error as? PSQLError else {
            return StoreError(.unavailable, "database \(database): \(error)")
        }
        if let info = error.serverInfo {
            let mapped = storeError(info: info, database: database)
            return StoreError(mapped.kind, mapped.message, report: report(info))
        }
        return connectionError(error, database: database)
    }

    static func report(_ info: PSQLError.ServerInfo) -> DatabaseErrorReport {
        DatabaseErrorReport(
            severity: info[.localizedSeverity] ?? info[.severity] ?? "ERROR", nonLocalizedSeverity: info[.severity],
            code: info[.sqlState] ?? "XX000", message: info[.message] ?? "", detail: info[.detail], hint: info[.hint],
            position: info[.position].flatMap { Int($0) }, internalPosition: info[.internalPosition].flatMap { Int($0) },
            internalQuery: info[.internalQuery], whereContext: info[.locationContext], schema: info[.schemaName],
            table: info[.tableName], column: info[.columnName], dataType: info[.dataTypeName], constraint: info[.constraintName],
            file: info[.file], line: info[.line].flatMap { Int($0) }, routine: info[.routine])
    }

    private static func storeError(info: PSQLError.ServerInfo, database: String) -> StoreError {
        let state = info[.sqlState] ?? "?????"
        let message = info[.message] ?? "server error"
        let detail = info[.detail].map { " (\($0))" } ?? ""
        switch state {
        case "23505":
            let constraint = info[.constraintName] ?? "a unique key"
            // The detail would repeat the row's values (phone numbers) into logs; the key name is enough.
            return StoreError(.conflict, "Unique constraint failed on \(constraint)")
        case "23503":
            let constraint = info[.constraintName] ?? "a foreign key"
            return StoreError(.invalid, "Foreign key constraint failed on \(constraint)")
        case "28P01", "28000":
            return StoreError(.unavailable, "database \(database) refused the login: \(message)")
        case "3D000":
            return StoreError(.unavailable, "database \(database) does not exist: \(message)")
        case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004":
            return StoreError(.unavailable, "database \(database) went away: \(message) [\(state)]")
        case "40001", "40P01":
            return StoreError(.conflict, "transaction aborted by the database, retry: \(message) [\(state)]")
        default:
            return StoreError(.invalid, "database error \(state): \(message)\(detail)")
        }
    }

    private static func connectionError(_ error: PSQLError, database: String) -> StoreError {
        switch error.code {
        case .connectionError:
            return StoreError(.unavailable, "cannot connect to database \(database): \(connectionCause(error.underlying))")
        case .serverClosedConnection, .uncleanShutdown:
            return StoreError(.unavailable, "database \(database) closed the connection")
        case .clientClosedConnection, .poolClosed:
            return StoreError(.unavailable, "database \(database): connection pool is closed")
        case .sslUnsupported:
            return StoreError(.unavailable, "database \(database) does not support TLS, but the URL requires it (sslmode)")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return StoreError(.unavailable, "database \(database): TLS failed: \(error.underlying.map { "\($0)" } ?? "\(error.code)")")
        case .authMechanismRequiresPassword:
            return StoreError(.unavailable, "database \(database) asks for a password and the URL has none")
        case .unsupportedAuthMechanism, .saslError:
            return StoreError(.unavailable, "database \(database) login failed: \(error.code)")
        case .queryCancelled:
            return StoreError(.unavailable, "database \(database): query cancelled")
        default:
            return StoreError(.unavailable, "database \(database): \(error.code)")
        }
    }
}

extension PostgresErrorMapping {
    /// NIO's connection errors in plain words.
    static func connectionCause(_ underlying: (any Error)?) -> String {
        let text = underlying.map { "\($0)" } ?? ""
        let lowered = text.lowercased()
        if lowered.contains("certificate_verify_failed") {
            return "TLS certificate not trusted (give the server's CA with sslrootcert=, or sslmode=require to encrypt without checking)"
        }
        if lowered.contains("failedtovalidatehostname") || lowered.contains("hostname") && lowered.contains("tls") {
            return "TLS certificate is not for this host name (sslmode=verify-ca checks the chain only)"
        }
        if lowered.contains("handshakefailed") { return "TLS handshake failed: \(text)" }
        if lowered.contains("connection refused") { return "connection refused (is the server running and listening there?)" }
        if lowered.contains("no such file") { return "no server socket there (is the server running?)" }
        if lowered.contains("timed out") || lowered.contains("timeout") { return "connection timed out" }
        if lowered.contains("resolution") || lowered.contains("not known") || lowered.contains("nodename") { return "host name not found" }
        if lowered.contains("network is unreachable") { return "network unreachable" }
        return text.isEmpty ? "connection failed" : text
    }
}
