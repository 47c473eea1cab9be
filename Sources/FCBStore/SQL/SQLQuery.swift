/// One SQL statement with its values kept apart from its text, written with string
/// interpolation like postgres-nio's `PostgresQuery`: `"… WHERE id = \(id)"` binds `id`.
/// Identifiers that differ between dialects go through ``SQLQuery/StringInterpolation/appendInterpolation(table:)``.
package struct SQLQuery: Sendable, Equatable, ExpressibleByStringInterpolation {
    enum Segment: Sendable, Equatable {
        case sql(String)
        case bind(SQLValue)
        case table(FCBTable)
    }

    private(set) var segments: [Segment]

    package init(stringLiteral value: String) { segments = [.sql(value)] }

    package init(stringInterpolation: StringInterpolation) { segments = stringInterpolation.segments }

    /// SQL text that carries no values (DDL read from migration files, catalog queries).
    package init(unsafeSQL: String) { segments = [.sql(unsafeSQL)] }

    package struct StringInterpolation: StringInterpolationProtocol {
        var segments: [Segment] = []

        package init(literalCapacity: Int, interpolationCount: Int) {
            segments.reserveCapacity(interpolationCount * 2 + 1)
        }

        package mutating func appendLiteral(_ literal: String) {
            if case .sql(let previous)? = segments.last {
                segments[segments.count - 1] = .sql(previous + literal)
            } else {
                segments.append(.sql(literal))
            }
        }

        package mutating func appendInterpolation(_ value: some SQLBindable) { segments.append(.bind(value.sqlValue)) }

        /// `nil` binds SQL NULL.
        package mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            segments.append(.bind(value?.sqlValue ?? .null))
        }

        /// One of fcb's own tables: `"fcb"."inbox"` on PostgreSQL, `"fcb_inbox"` on SQLite.
        package mutating func appendInterpolation(table: FCBTable) { segments.append(.table(table)) }

        /// A fragment built elsewhere (its binds are kept, renumbered on rendering).
        package mutating func appendInterpolation(fragment: SQLQuery) { segments.append(contentsOf: fragment.segments) }
    }

    /// The statement text with the dialect's placeholders, and the values in placeholder order.
    package func rendered(for dialect: SQLDialect) -> (sql: String, binds: [SQLValue]) {
        var sql = ""
        var binds: [SQLValue] = []
        for segment in segments {
            switch segment {
            case .sql(let text): sql += text
            case .bind(let value):
                binds.append(value)
                sql += dialect.placeholder(binds.count)
            case .table(let table): sql += dialect.qualifiedName(table)
            }
        }
        return (sql, binds)
    }
}

/// fcb's own tables (docs/compatibility.md#fcbs-own-tables): schema `fcb` on PostgreSQL, prefixed
/// names in the SQLite file.
package enum FCBTable: String, Sendable, CaseIterable {
    case schemaVersion = "schema_version"
    case inbox
    /// Statuses that arrived before their message (schema version 2).
    case pendingStatus = "pending_status"
}

package enum SQLDialect: String, Sendable {
    case postgres
    case sqlite

    func placeholder(_ position: Int) -> String {
        switch self {
        case .postgres: "$\(position)"
        case .sqlite: "?\(position)"
        }
    }

    func qualifiedName(_ table: FCBTable) -> String {
        switch self {
        case .postgres: "\"fcb\".\"\(table.rawValue)\""
        case .sqlite: "\"fcb_\(table.rawValue)\""
        }
    }
}
