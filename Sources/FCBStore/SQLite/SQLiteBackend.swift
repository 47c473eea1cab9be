import FCBSupport
import FlowEngine
import Foundation
import Logging
import NIOCore
import SQLiteNIO

/// The embedded database: one sqlite-nio connection (its calls run on NIO's thread pool, never
/// on an event loop) in WAL mode with `synchronous=FULL`, so a committed inbox row survives a
/// crash or power loss. Statements and transactions take turns through an ``AsyncLock``:
/// SQLite has one writer anyway, and a transaction must not interleave with other statements.
package final class SQLiteBackend: SQLDatabase {
    package let dialect = SQLDialect.sqlite
    package let displayName: String
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    private init(connection: SQLiteConnection, displayName: String) {
        self.connection = connection
        self.displayName = displayName
    }

    /// Opens (creating if needed) the file at `path`, or a private in-memory database when `nil`.
    package static func open(path: String?) async throws(StoreError) -> SQLiteBackend {
        let name = path.map { "sqlite:\($0)" } ?? "sqlite::memory:"
        if let path {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                throw StoreError(.unavailable, "cannot open \(name): directory \(directory) does not exist")
            }
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: path.map { .file(path: $0) } ?? .memory,
                logger: Logger(label: "fcb.sqlite", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            throw StoreError(.unavailable, "cannot open \(name): \(SQLiteErrorMapping.describe(error))")
        }
        let database = SQLiteBackend(connection: connection, displayName: name)
        do {
            for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"] {
                _ = try await connection.query(pragma, [])
            }
        } catch {
            try? await connection.close()
            throw StoreError(.unavailable, "cannot use \(name): \(SQLiteErrorMapping.describe(error))")
        }
        return database
    }

    @discardableResult
    package func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        try await lock.withLock { () async throws(StoreError) -> [SQLRow] in
            try await SQLiteStatement(query).run(on: connection)
        }
    }

    package func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        try await lock.withLock { () async throws(StoreError) -> T in
            let executor = SQLiteConnectionExecutor(connection: connection)
            // IMMEDIATE takes the write lock up front, so another process cannot make this
            // transaction fail half-way with SQLITE_BUSY.
            try await executor.query("BEGIN IMMEDIATE")
            do throws(StoreError) {
                let value = try await body(executor)
                try await executor.query("COMMIT")
                return value
            } catch {
                _ = try? await executor.query("ROLLBACK")
                throw error
            }
        }
    }

    package func close() async {
        await lock.withLock { () async -> Void in try? await connection.close() }
    }
}

/// Statements inside one transaction (the caller holds the lock).
struct SQLiteConnectionExecutor: SQLExecutor {
    let dialect = SQLDialect.sqlite
    let connection: SQLiteConnection

    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        try await SQLiteStatement(query).run(on: connection)
    }
}

struct SQLiteStatement {
    let sql: String
    let binds: [SQLiteData]

    init(_ query: SQLQuery) {
        let (sql, values) = query.rendered(for: .sqlite)
        self.sql = sql
        binds = values.map { value in
            switch value {
            case .null: .null
            case .text(let text): .text(text)
            case .integer(let int): .integer(SQLiteInt64(int))
            case .double(let double): .float(double)
            case .bool(let bool): .integer(bool ? 1 : 0)
            case .timestamp(let date): .text(ISOTimestamp.string(date))
            case .json(let json): .text(json.serialized())
            }
        }
    }

    func run(on connection: SQLiteConnection) async throws(StoreError) -> [SQLRow] {
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(sql, binds)
        } catch {
            throw SQLiteErrorMapping.storeError(error)
        }
        guard let first = rows.first else { return [] }
        let names = first.columns.map(\.name)
        return rows.map { row in
            SQLRow(
                columns: names,
                cells: row.columns.map { column in
                    switch column.data {
                    case .null: .null
                    case .integer(let int): .integer(Int64(int))
                    case .float(let double): .double(double)
                    case .text(let text): .text(text)
                    case .blob(let buffer): .text(String(buffer: buffer))
                    }
                })
        }
    }
}

enum SQLiteErrorMapping {
    static func storeError(_ error: any Error) -> StoreError {
        guard let error = error as? SQLiteError else { return StoreError(.unavailable, "SQLite: \(error)") }
        switch error.reason {
        case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed:
            if let name = uniqueKeyName(error.message) { return StoreError(.conflict, "Unique constraint failed on \(name)") }
            return StoreError(.conflict, "SQLite: \(error.message)")
        case .constraintForeignKeyFailed:
            return StoreError(.invalid, "Foreign key constraint failed (\(error.message))")
        case .busy, .busyTimeout, .locked:
            return StoreError(.unavailable, "SQLite database is locked by another process: \(error.message)")
        case .full:
            return StoreError(.unavailable, "SQLite: disk full: \(error.message)")
        case .readOnly, .readonlyDirectory, .readonlyCantLock, .readonlyInRecovery, .readonlyInRollback, .readonlyBackingMoved:
            return StoreError(.unavailable, "SQLite database is read-only: \(error.message)")
        case .ioError, .cantOpen, .corrupt, .notADatabase:
            return StoreError(.unavailable, "SQLite: \(error.message)")
        default:
            return StoreError(.invalid, "SQLite: \(error.message)")
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? SQLiteError)?.message ?? "\(error)"
    }

    /// "UNIQUE constraint failed: Session.contactId, Session.flowId" → "Session_contactId_flowId_key",
    /// the name PostgreSQL reports for the same Prisma index; the primary key → "Session_pkey".
    static func uniqueKeyName(_ message: String) -> String? {
        guard let range = message.range(of: "UNIQUE constraint failed: ") else { return nil }
        let columns = message[range.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let parts = columns.compactMap { column -> (String, String)? in
            guard let dot = column.firstIndex(of: ".") else { return nil }
            return (String(column[..<dot]), String(column[column.index(after: dot)...]))
        }
        guard let table = parts.first?.0, parts.count == columns.count else { return nil }
        if parts.count == 1, parts[0].1 == "id" { return "\(table)_pkey" }
        return ([table] + parts.map(\.1) + ["key"]).joined(separator: "_")
    }
}
