/// A `{{…}}` placeholder in node text. The executor's `tpl` only recognises keys made of
/// `[A-Za-z0-9_.[\]]` with optional surrounding whitespace; anything else stays literal.
package struct Placeholder: Sendable, Equatable {
    package let range: Range<String.Index>
    /// The text between the braces, trimmed.
    package let key: String
    /// Whether `tpl` would substitute it.
    package let isRecognised: Bool

    static func isKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "[" || c == "]")
    }

    /// Every `{{…}}` in `text`, recognised or not, in order (a single pass over the UTF-8 bytes).
    package static func scan(_ text: String) -> [Placeholder] {
        var found: [Placeholder] = []
        let utf8 = text.utf8
        var i = utf8.startIndex
        var open: String.Index?
        var previous: UInt8 = 0
        while i != utf8.endIndex {
            let byte = utf8[i]
            if byte == UInt8(ascii: "{") && previous == UInt8(ascii: "{") {
                // The last "{{" before a "}}" opens the placeholder, as the regex would find it
                // ("{{{x}}}" holds "{{x}}").
                open = utf8.index(before: i)
                previous = byte
            } else if byte == UInt8(ascii: "}") && previous == UInt8(ascii: "}"), let start = open {
                let end = utf8.index(after: i)
                let inner = text[utf8.index(start, offsetBy: 2)..<utf8.index(before: i)]
                let (key, recognised) = Self.key(inner)
                found.append(Placeholder(range: start..<end, key: key, isRecognised: recognised))
                open = nil
                previous = 0
            } else {
                previous = byte
            }
            i = utf8.index(after: i)
        }
        return found
    }

    /// The trimmed key and whether `tpl` recognises it; ASCII keys take a byte-level fast path.
    private static func key(_ inner: Substring) -> (String, Bool) {
        var start = inner.utf8.startIndex
        var end = inner.utf8.endIndex
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        while start < end, isSpace(inner.utf8[start]) { start = inner.utf8.index(after: start) }
        while end > start, isSpace(inner.utf8[inner.utf8.index(before: end)]) { end = inner.utf8.index(before: end) }
        let core = inner.utf8[start..<end]
        if !core.isEmpty, core.allSatisfy(isKeyByte) { return (String(Substring(core)), true) }
        let key = String(inner).trimmingJSWhitespace()
        return (key, !key.isEmpty && key.allSatisfy(isKeyCharacter))
    }

    private static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2E || b == 0x5B || b == 0x5D
    }
}
