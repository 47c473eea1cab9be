import FlowEngine
import Foundation

/// A value bound to a statement parameter. Values never become SQL text: each dialect's driver
/// sends them as bind parameters.
package enum SQLValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    /// A Prisma `DateTime`: `TIMESTAMP(3)` in UTC on PostgreSQL, ISO-8601 text on SQLite.
    case timestamp(Date)
    /// A Prisma `Json`: `JSONB` on PostgreSQL, JSON text on SQLite.
    case json(JSONValue)
}

/// Types that bind themselves as one ``SQLValue``.
package protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { package var sqlValue: SQLValue { .text(self) } }
extension Int: SQLBindable { package var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { package var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { package var sqlValue: SQLValue { .double(self) } }
extension Bool: SQLBindable { package var sqlValue: SQLValue { .bool(self) } }
extension Date: SQLBindable { package var sqlValue: SQLValue { .timestamp(self) } }
extension JSONValue: SQLBindable { package var sqlValue: SQLValue { .json(self) } }
extension SQLValue: SQLBindable { package var sqlValue: SQLValue { self } }

extension Optional: SQLBindable where Wrapped: SQLBindable {
    package var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension Date {
    /// Whole milliseconds, rounded down: what a `TIMESTAMP(3)` column and JavaScript keep.
    package var truncatedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000 + 0.000_5).rounded(.down) / 1000)
    }
}
