import FlowEngine
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// An ``SQLQuery`` rendered for PostgreSQL with its values as bind parameters.
struct PostgresStatement: Sendable {
    let query: PostgresQuery

    init(_ query: SQLQuery) throws(StoreError) {
        let (sql, values) = query.rendered(for: .postgres)
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .text(let text): binds.append(PostgresText.sanitized(text))
            case .integer(let int): binds.append(int)
            case .double(let double): binds.append(double)
            case .bool(let bool): binds.append(bool)
            case .timestamp(let date): binds.append(PostgresTimestamp(date))
            case .json(let json): binds.append(JSONBText(json))
            }
        }
        self.query = PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    func run(on client: PostgresClient, logger: Logger) async throws -> [SQLRow] {
        try await Self.collect(try await client.query(query, logger: logger))
    }

    func run(on connection: PostgresConnection, logger: Logger) async throws -> [SQLRow] {
        try await Self.collect(try await connection.query(query, logger: logger))
    }

    private static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        var columns: [String]?
        for try await row in rows {
            var cells: [SQLRow.Cell] = []
            var names: [String] = []
            let needNames = columns == nil
            for cell in row {
                if needNames { names.append(cell.columnName) }
                cells.append(try Self.cell(cell))
            }
            if needNames { columns = names }
            result.append(SQLRow(columns: columns ?? names, cells: cells))
        }
        return result
    }

    private static func cell(_ cell: PostgresCell) throws -> SQLRow.Cell {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .timestamp, .timestamptz:
            // Microseconds since 2000 → whole milliseconds, so a value read back equals the one written.
            let date = try cell.decode(Date.self)
            return .timestamp(Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000))
        default: return .text(try cell.decode(String.self))  // text, varchar, jsonb (version byte stripped), numeric, uuid, …
        }
    }
}

/// PostgreSQL TEXT and JSONB cannot hold U+0000; WhatsApp text can. It is stored as U+FFFD so
/// the row is written rather than the whole message lost (docs/targets.md#bad-input).
enum PostgresText {
    static func sanitized(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }
}

/// A JSON value sent as `jsonb` in binary format (version byte 1, then the text), serialised
/// by our JS-exact writer so what the dashboard reads matches what `JSON.stringify` would send.
struct JSONBText: PostgresNonThrowingEncodable {
    let text: String

    init(_ value: JSONValue) {
        // `\u0000` in a JSON string is rejected by jsonb; the escape is replaced like raw NUL.
        let serialized = value.serialized()
        text = Self.containsEscapedNUL(serialized) ? serialized.replacingOccurrences(of: "\\u0000", with: "\\ufffd") : serialized
    }

    /// Whether `text` holds the six bytes `\u0000` (a byte scan: Foundation's substring search
    /// showed in profiles of the write path).
    static func containsEscapedNUL(_ text: String) -> Bool {
        let pattern = Array("\\u0000".utf8)
        return text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count >= pattern.count else { return false }
            var index = 0
            while index <= bytes.count - pattern.count {
                if bytes[index] == pattern[0] && bytes[index + 1] == pattern[1] && bytes[index + 2] == pattern[2] && bytes[index + 3] == pattern[3]
                    && bytes[index + 4] == pattern[4] && bytes[index + 5] == pattern[5]
                {
                    return true
                }
                index += 1
            }
            return false
        } ?? text.contains("\\u0000")
    }

    static var psqlType: PostgresDataType { .jsonb }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(UInt8(1))
        byteBuffer.writeString(text)
    }
}

/// A timestamp sent as exact whole milliseconds. postgres-nio's `Date` encoding goes through a
/// floating-point product and can land a microsecond below the millisecond that the
/// `TIMESTAMP(3)` column stores, so `column <= $now` would miss rows written at `now`.
struct PostgresTimestamp: PostgresNonThrowingEncodable {
    let microsecondsSince2000: Int64

    init(_ date: Date) {
        let millis = Int64((date.timeIntervalSince1970 * 1000 + 0.000_5).rounded(.down))
        microsecondsSince2000 = (millis - 946_684_800_000) * 1000
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(microsecondsSince2000)
    }
}
