/// A `{{…}}` placeholder in node text. The executor's `tpl` only recognises keys made of
/// `[A-Za-z0-9_.[\]]` with optional surrounding whitespace; anything else stays literal.
public struct Placeholder: Sendable, Equatable {
    public let range: Range<String.Index>
    /// The text between the braces, trimmed.
    public let key: String
    /// Whether `tpl` would substitute it.
    public let isRecognised: Bool

    static func isKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "[" || c == "]")
    }

    /// Every `{{…}}` in `text`, recognised or not, in order (a single pass over the UTF-8 bytes).
    public static func scan(_ text: String) -> [Placeholder] {
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
                let key = String(inner).trimmingJSWhitespace()
                let recognised = !key.isEmpty && key.allSatisfy(isKeyCharacter)
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
}
