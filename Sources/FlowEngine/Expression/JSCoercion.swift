/// JavaScript's type conversions on plain JSON values, for flow loading and templating. They
/// delegate to the expression language's implementations so every part of fcb converts alike.
package enum JSCoercion {
    /// JS `Number(value)`.
    package static func toNumber(_ value: JSONValue) -> Double {
        switch value {
        case .null: 0
        case .bool(let b): b ? 1 : 0
        case .number(let n): n
        case .string(let s): JSNumberParsing.stringToNumber(s)
        case .array, .object: JSNumberParsing.stringToNumber(toString(value))
        }
    }

    /// JS `String(value)`: numbers in JS form, arrays joined with commas (null → ""), objects as `[object Object]`.
    package static func toString(_ value: JSONValue) -> String { JSValue(value).jsString }

    /// ECMAScript StringToNumber (`Number("0x1A")` is 26, `Number("")` is 0, `Number("12px")` is NaN).
    package static func stringToNumber(_ text: String) -> Double { JSNumberParsing.stringToNumber(text) }

    /// JS WhiteSpace and LineTerminator code points (what `String.prototype.trim` strips).
    package static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { JSStrings.isWhitespace(scalar) }
}

extension String {
    /// JavaScript `String.prototype.trim`.
    package func trimmingJSWhitespace() -> String { JSStrings.trim(self) }

    /// JavaScript `String.prototype.toLowerCase` (locale-independent, with the final-sigma rule).
    package func jsLowercased() -> String { JSStrings.toLowerCase(self) }
}
