import FCBSupport
import FlowEngine
import Foundation

/// One result row, already read off the wire (rows are always drained: postgres-nio reports
/// some errors only while iterating). Accessors convert between the dialects' representations
/// and throw a `StoreError.invalid` that names the column when a value has the wrong shape.
package struct SQLRow: Sendable {
    package enum Cell: Sendable, Equatable {
        case null
        case text(String)
        case integer(Int64)
        case double(Double)
        case bool(Bool)
        case timestamp(Date)

        /// The value as text (nil for NULL).
        var text: String? {
            switch self {
            case .null: nil
            case .text(let s): s
            case .integer(let i): String(i)
            case .double(let d): jsNumberString(d)
            case .bool(let b): b ? "true" : "false"
            case .timestamp(let d): ISOTimestamp.string(d)
            }
        }
    }

    let columns: [String]
    let cells: [Cell]

    package init(columns: [String], cells: [Cell]) {
        self.columns = columns
        self.cells = cells
    }

    package func cell(_ column: String) throws(StoreError) -> Cell {
        guard let index = columns.firstIndex(of: column) else {
            throw StoreError(.invalid, "result has no column \"\(column)\"")
        }
        return cells[index]
    }

    package func isNull(_ column: String) throws(StoreError) -> Bool { try cell(column) == .null }

    package func string(_ column: String) throws(StoreError) -> String {
        guard let value = try optionalString(column) else { throw Self.unexpectedNull(column) }
        return value
    }

    package func optionalString(_ column: String) throws(StoreError) -> String? {
        try cell(column).text
    }

    package func int(_ column: String) throws(StoreError) -> Int {
        guard let value = try optionalInt(column) else { throw Self.unexpectedNull(column) }
        return value
    }

    package func optionalInt(_ column: String) throws(StoreError) -> Int? {
        switch try cell(column) {
        case .null: return nil
        case .integer(let i): return Int(i)
        case .bool(let b): return b ? 1 : 0
        case .text(let s): if let i = Int(s) { return i }
        case .double(let d): if let i = Int(exactly: d) { return i }
        case .timestamp: break
        }
        throw StoreError(.invalid, "column \"\(column)\" is not an integer")
    }

    package func bool(_ column: String) throws(StoreError) -> Bool {
        switch try cell(column) {
        case .bool(let b): return b
        case .integer(let i): return i != 0
        case .null: throw Self.unexpectedNull(column)
        default: throw StoreError(.invalid, "column \"\(column)\" is not a boolean")
        }
    }

    package func date(_ column: String) throws(StoreError) -> Date {
        guard let value = try optionalDate(column) else { throw Self.unexpectedNull(column) }
        return value
    }

    package func optionalDate(_ column: String) throws(StoreError) -> Date? {
        switch try cell(column) {
        case .null: return nil
        case .timestamp(let d): return d
        case .text(let s):
            if let d = ISOTimestamp.date(s) { return d }
            throw StoreError(.invalid, "column \"\(column)\" holds \"\(s.prefix(40))\", not an ISO-8601 timestamp")
        case .integer(let ms): return Date(timeIntervalSince1970: Double(ms) / 1000)
        default: throw StoreError(.invalid, "column \"\(column)\" is not a timestamp")
        }
    }

    /// A JSON column: SQL NULL is `nil`, JSON `null` is `.null`.
    package func json(_ column: String) throws(StoreError) -> JSONValue? {
        switch try cell(column) {
        case .null: return nil
        case .text(let text):
            do {
                return try JSONValue(parsing: Array(text.utf8))
            } catch {
                throw StoreError(.invalid, "column \"\(column)\" holds invalid JSON: \(error)")
            }
        default: throw StoreError(.invalid, "column \"\(column)\" is not JSON")
        }
    }

    private static func unexpectedNull(_ column: String) -> StoreError {
        StoreError(.invalid, "column \"\(column)\" is NULL")
    }
}
