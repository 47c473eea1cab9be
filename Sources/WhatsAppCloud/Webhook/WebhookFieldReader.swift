import FlowEngine

/// Reads typed fields out of JSON objects and records a located issue for every field whose
/// value has the wrong type. Absent fields and JSON `null` both read as nil without an issue:
/// Meta omits optional fields and proxies sometimes write them as null.
struct WebhookFieldReader {
    private(set) var issues: [WebhookDecodingIssue] = []

    /// An object together with its location in the delivery.
    struct Located {
        let object: JSONObject
        let pointer: JSONPointer
    }

    mutating func report(_ pointer: JSONPointer, _ message: String) {
        issues.append(WebhookDecodingIssue(pointer: pointer, message: message))
    }

    mutating func string(_ key: String, in located: Located) -> String? {
        guard let value = present(key, in: located) else { return nil }
        if case .string(let s) = value { return s }
        mismatch(located.pointer / key, expected: "a string", found: value)
        return nil
    }

    /// Meta writes timestamps and ids as strings; integral numbers are accepted too and
    /// converted (`1767225600` → `"1767225600"`), since re-serialising tools turn them into numbers.
    mutating func stringOrInteger(_ key: String, in located: Located) -> String? {
        guard let value = present(key, in: located) else { return nil }
        switch value {
        case .string(let s): return s
        case .number(let n) where n.isFinite && n == n.rounded() && abs(n) < 1e15: return jsNumberString(n)
        default:
            mismatch(located.pointer / key, expected: "a string", found: value)
            return nil
        }
    }

    mutating func number(_ key: String, in located: Located) -> Double? {
        guard let value = present(key, in: located) else { return nil }
        if case .number(let n) = value { return n }
        mismatch(located.pointer / key, expected: "a number", found: value)
        return nil
    }

    /// Numbers written as strings (`"2"`, `"-34.6"`) are accepted: Meta is not consistent
    /// about quoting quantities and prices.
    mutating func numeric(_ key: String, in located: Located) -> Double? {
        guard let value = present(key, in: located) else { return nil }
        switch value {
        case .number(let n): return n
        case .string(let s):
            if let n = Double(s.trimmingJSWhitespace()), n.isFinite { return n }
            report(located.pointer / key, "expected a number, found string \(Self.preview(s))")
            return nil
        default:
            mismatch(located.pointer / key, expected: "a number", found: value)
            return nil
        }
    }

    mutating func bool(_ key: String, in located: Located) -> Bool? {
        guard let value = present(key, in: located) else { return nil }
        if case .bool(let b) = value { return b }
        mismatch(located.pointer / key, expected: "true or false", found: value)
        return nil
    }

    mutating func object(_ key: String, in located: Located) -> Located? {
        guard let value = present(key, in: located) else { return nil }
        if case .object(let o) = value { return Located(object: o, pointer: located.pointer / key) }
        mismatch(located.pointer / key, expected: "an object", found: value)
        return nil
    }

    /// The elements with their pointers.
    mutating func array(_ key: String, in located: Located) -> [(value: JSONValue, pointer: JSONPointer)]? {
        guard let value = present(key, in: located) else { return nil }
        guard case .array(let items) = value else {
            mismatch(located.pointer / key, expected: "an array", found: value)
            return nil
        }
        let base = located.pointer / key
        return items.enumerated().map { ($0.element, base / $0.offset) }
    }

    /// An array of objects; elements that are not objects are reported and skipped.
    mutating func objects(_ key: String, in located: Located) -> [Located]? {
        guard let items = array(key, in: located) else { return nil }
        var result: [Located] = []
        for item in items {
            if case .object(let o) = item.value {
                result.append(Located(object: o, pointer: item.pointer))
            } else {
                mismatch(item.pointer, expected: "an object", found: item.value)
            }
        }
        return result
    }

    mutating func mismatch(_ pointer: JSONPointer, expected: String, found: JSONValue) {
        report(pointer, "expected \(expected), found \(Self.describe(found))")
    }

    private func present(_ key: String, in located: Located) -> JSONValue? {
        guard let value = located.object[key], !value.isNull else { return nil }
        return value
    }

    /// `number 5`, `string "abc"`, `an object`, `an array`, `true`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): "number \(jsNumberString(n))"
        case .string(let s): "string \(preview(s))"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The string quoted, cut to 40 characters.
    static func preview(_ s: String) -> String {
        s.count <= 40 ? "\"\(s)\"" : "\"\(s.prefix(40))…\""
    }
}
