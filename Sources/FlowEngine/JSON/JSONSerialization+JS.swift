extension JSONValue {
    /// Compact text exactly as JavaScript's `JSON.stringify(value)` writes it (key order kept,
    /// numbers in JS form, non-finite numbers as `null`).
    package func serialized() -> String {
        var out = ""
        write(into: &out, indent: nil, level: 0)
        return out
    }

    /// Indented text as `JSON.stringify(value, null, indent)` writes it.
    package func serialized(indent: Int) -> String {
        var out = ""
        write(into: &out, indent: indent > 0 ? String(repeating: " ", count: min(indent, 10)) : nil, level: 0)
        return out
    }

    private func write(into out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.isFinite ? jsNumberString(n) : "null"
        case .string(let s): JSONValue.writeQuoted(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                JSONValue.newline(into: &out, indent: indent, level: level + 1)
                item.write(into: &out, indent: indent, level: level + 1)
            }
            JSONValue.newline(into: &out, indent: indent, level: level)
            out += "]"
        case .object(let object):
            if object.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (i, (key, value)) in object.enumerated() {
                if i > 0 { out += "," }
                JSONValue.newline(into: &out, indent: indent, level: level + 1)
                JSONValue.writeQuoted(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: indent, level: level + 1)
            }
            JSONValue.newline(into: &out, indent: indent, level: level)
            out += "}"
        }
    }

    private static func newline(into out: inout String, indent: String?, level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }

    static func writeQuoted(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escape: append them whole instead of scalar by scalar.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
