import FlowEngine
import Foundation

/// A small, order-preserving JSON reader for the expression fixtures, so these tests depend
/// only on the expression module.
struct FixtureJSONReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let scalars: [Unicode.Scalar]
    private var i = 0

    static func parse(_ text: String) throws -> JSONValue {
        var reader = FixtureJSONReader(scalars: Array(text.unicodeScalars))
        reader.skipWhitespace()
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.i == reader.scalars.count else { throw Failure(description: "trailing data at \(reader.i)") }
        return value
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private mutating func skipWhitespace() {
        while i < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[i]) { i += 1 }
    }

    private mutating func expect(_ c: Unicode.Scalar) throws {
        guard i < scalars.count, scalars[i] == c else { throw Failure(description: "expected \(c) at \(i)") }
        i += 1
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
        for c in word.unicodeScalars { try expect(c) }
        return value
    }

    private mutating func value() throws -> JSONValue {
        guard i < scalars.count else { throw Failure(description: "unexpected end") }
        switch scalars[i] {
        case "{":
            i += 1
            var object = JSONObject()
            skipWhitespace()
            if scalars[i] == "}" {
                i += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                object[key] = try value()
                skipWhitespace()
                if scalars[i] == "," {
                    i += 1
                    continue
                }
                try expect("}")
                return .object(object)
            }
        case "[":
            i += 1
            var array: [JSONValue] = []
            skipWhitespace()
            if scalars[i] == "]" {
                i += 1
                return .array(array)
            }
            while true {
                skipWhitespace()
                array.append(try value())
                skipWhitespace()
                if scalars[i] == "," {
                    i += 1
                    continue
                }
                try expect("]")
                return .array(array)
            }
        case "\"": return .string(try string())
        case "t": return try literal("true", .bool(true))
        case "f": return try literal("false", .bool(false))
        case "n": return try literal("null", .null)
        default:
            let start = i
            while i < scalars.count, "+-0123456789.eE".unicodeScalars.contains(scalars[i]) { i += 1 }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[start..<i])
            guard let number = Double(String(text)) else { throw Failure(description: "bad number at \(start)") }
            return .number(number)
        }
    }

    private mutating func string() throws -> String {
        try expect("\"")
        var units: [UInt16] = []
        while true {
            guard i < scalars.count else { throw Failure(description: "unterminated string") }
            let c = scalars[i]
            i += 1
            if c == "\"" { break }
            if c != "\\" {
                units.append(contentsOf: String(c).utf16)
                continue
            }
            let e = scalars[i]
            i += 1
            switch e {
            case "n": units.append(0x0A)
            case "t": units.append(0x09)
            case "r": units.append(0x0D)
            case "b": units.append(0x08)
            case "f": units.append(0x0C)
            case "u":
                var value: UInt16 = 0
                for _ in 0..<4 {
                    guard let d = UInt16(String(scalars[i]), radix: 16) else { throw Failure(description: "bad \\u") }
                    value = value * 16 + d
                    i += 1
                }
                units.append(value)
            default: units.append(contentsOf: String(e).utf16)
            }
        }
        return String(decoding: units, as: UTF16.self)
    }
}

/// One row of `Fixtures/expression-table.json` (see scripts/expression-table.js).
struct ExpressionTableRow: CustomStringConvertible, Sendable {
    let index: Int
    let expr: String
    let context: JSONValue
    let expected: JSONValue?
    let condition: Bool
    let error: String?
    let kind: String?

    var description: String { "row \(index): \(expr)" }

    /// The tagged `expected` value as a JSValue, or nil for a function (compared by name).
    var expectedValue: JSValue? {
        guard let expected, let type = expected["type"]?.stringValue else { return nil }
        let value = expected["value"]
        switch type {
        case "undefined": return .undefined
        case "null": return .null
        case "boolean": return value?.boolValue.map(JSValue.bool)
        case "string": return value?.stringValue.map(JSValue.string)
        case "array": return value?.arrayValue.map(JSValue.array)
        case "object": return value?.objectValue.map(JSValue.object)
        case "number":
            switch value {
            case .number(let n)?: return .number(n)
            case .string("NaN")?: return .number(.nan)
            case .string("Infinity")?: return .number(.infinity)
            case .string("-Infinity")?: return .number(-.infinity)
            case .string("-0")?: return .number(-0.0)
            default: return nil
            }
        default: return nil
        }
    }

    var expectedFunctionName: String? {
        guard expected?["type"]?.stringValue == "function" else { return nil }
        return expected?["name"]?.stringValue
    }
}

enum ExpressionTable {
    static let fileURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
        .appendingPathComponent("expression-table.json")

    static func load() throws -> [ExpressionTableRow] {
        let text = try String(contentsOf: fileURL, encoding: .utf8)
        let table = try FixtureJSONReader.parse(text)
        let contexts = table["contexts"]?.objectValue ?? [:]
        guard let rows = table["rows"]?.arrayValue else { throw FixtureJSONReader.Failure(description: "no rows") }
        return rows.enumerated().map { index, row in
            var context: JSONValue = .object([:])
            if let name = row["contextRef"]?.stringValue, let shared = contexts[name] {
                context = shared
            } else if let inline = row["context"] {
                context = inline
            }
            return ExpressionTableRow(
                index: index,
                expr: row["expr"]?.stringValue ?? "",
                context: context,
                expected: row["expected"],
                condition: row["condition"]?.boolValue ?? false,
                error: row["error"]?.stringValue,
                kind: row["kind"]?.stringValue)
        }
    }
}
