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
        switch error.code {
        case .connectionError:
            let cause = error.underlying.map { "\($0)" } ?? "connection failed"
            return StoreError(.unavailable, "cannot connect to database \(database): \(cause)")
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
