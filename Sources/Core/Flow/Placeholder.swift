import Foundation

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

    /// Every `{{…}}` in `text`, recognised or not, in order.
    public static func scan(_ text: String) -> [Placeholder] {
        var found: [Placeholder] = []
        var searchStart = text.startIndex
        while let open = text.range(of: "{{", range: searchStart..<text.endIndex),
            let close = text.range(of: "}}", range: open.upperBound..<text.endIndex)
        {
            let inner = text[open.upperBound..<close.lowerBound]
            // A nested "{{" means this opening belongs to literal text; retry from the inner one.
            if let nested = inner.range(of: "{{") {
                searchStart = nested.lowerBound
                continue
            }
            let key = String(inner).trimmingJSWhitespace()
            let recognised = !key.isEmpty && key.allSatisfy(isKeyCharacter)
            found.append(Placeholder(range: open.lowerBound..<close.upperBound, key: key, isRecognised: recognised))
            searchStart = close.upperBound
        }
        return found
    }
}
