/// JavaScript's type conversions on JSON values, shared by flow loading, templating and the
/// expression evaluator so all of them agree with what the Node system did.
public enum JSCoercion {
    /// JS `Number(value)`.
    public static func toNumber(_ value: JSONValue) -> Double {
        switch value {
        case .null: return 0
        case .bool(let b): return b ? 1 : 0
        case .number(let n): return n
        case .string(let s): return stringToNumber(s)
        case .array, .object: return stringToNumber(toString(value))
        }
    }

    /// JS `String(value)`: numbers in JS form, arrays joined with commas (null → ""), objects as `[object Object]`.
    public static func toString(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return jsNumberString(n)
        case .string(let s): return s
        case .array(let items):
            return items.map { item in item.isNull ? "" : toString(item) }.joined(separator: ",")
        case .object: return "[object Object]"
        }
    }

    /// ECMAScript StringToNumber: trimmed; empty → 0; decimal, `Infinity`, `0x`/`0o`/`0b`; else NaN.
    public static func stringToNumber(_ text: String) -> Double {
        let s = text.trimmingJSWhitespace()
        if s.isEmpty { return 0 }
        let scalars = Array(s.unicodeScalars)
        if scalars.count > 2, scalars[0] == "0" {
            let radix: Int? =
                switch scalars[1] {
                case "x", "X": 16
                case "o", "O": 8
                case "b", "B": 2
                default: nil
                }
            if let radix {
                var value = 0.0
                for scalar in scalars.dropFirst(2) {
                    guard let digit = Character(scalar).hexDigitValue, digit < radix else { return .nan }
                    value = value * Double(radix) + Double(digit)
                }
                return value
            }
        }
        var body = Substring(s)
        var sign = 1.0
        if body.first == "+" || body.first == "-" {
            if body.first == "-" { sign = -1 }
            body = body.dropFirst()
        }
        if body == "Infinity" { return sign * .infinity }
        // StrUnsignedDecimalLiteral: digits [. digits] [e[+-]digits], or . digits [exponent].
        var sawDigit = false
        var index = body.startIndex
        func digits() {
            while index < body.endIndex, body[index].isASCII, body[index].isNumber {
                sawDigit = true
                index = body.index(after: index)
            }
        }
        digits()
        if index < body.endIndex, body[index] == "." {
            index = body.index(after: index)
            digits()
        }
        guard sawDigit else { return .nan }
        if index < body.endIndex, body[index] == "e" || body[index] == "E" {
            index = body.index(after: index)
            if index < body.endIndex, body[index] == "+" || body[index] == "-" { index = body.index(after: index) }
            let exponentStart = index
            while index < body.endIndex, body[index].isASCII, body[index].isNumber { index = body.index(after: index) }
            if index == exponentStart { return .nan }
        }
        guard index == body.endIndex, let value = Double(String(body)) else { return .nan }
        return sign * value
    }

    /// JS WhiteSpace and LineTerminator code points (what `String.prototype.trim` strips).
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            true
        default:
            false
        }
    }
}

extension String {
    /// JavaScript `String.prototype.trim`.
    public func trimmingJSWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !JSCoercion.isWhitespace($0) }),
            let last = scalars.lastIndex(where: { !JSCoercion.isWhitespace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
