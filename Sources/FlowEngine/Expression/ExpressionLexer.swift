/// Tokenizer for the expression language, pulled one token at a time by the parser.
///
/// It works on Unicode scalars (so a combining mark after a quote cannot merge with it, as a
/// Character would) and reports columns in Characters.
struct ExpressionLexer {
    let scalars: [Unicode.Scalar]
    /// Character column (1-based) of each scalar; one extra entry for the end of input.
    let columns: [Int]
    private(set) var position = 0

    init(_ source: String) {
        var scalars: [Unicode.Scalar] = []
        var columns: [Int] = []
        var column = 1
        for character in source {
            for scalar in character.unicodeScalars {
                scalars.append(scalar)
                columns.append(column)
            }
            column += 1
        }
        columns.append(column)
        self.scalars = scalars
        self.columns = columns
    }

    var endColumn: Int { columns[scalars.count] }

    func column(at offset: Int) -> Int { columns[min(max(offset, 0), scalars.count)] }

    func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(start, 0)..<min(end, scalars.count)])
        return String(view)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = position + offset
        return i < scalars.count ? scalars[i] : nil
    }

    private func error(_ message: String, at offset: Int) -> ExpressionError {
        .syntax(message, column(at: offset))
    }

    // MARK: - Tokens

    mutating func next() throws(ExpressionError) -> ExpressionToken {
        try skipTrivia()
        let start = position
        guard let c = peek() else {
            return ExpressionToken(kind: .end, column: endColumn, start: start, end: start)
        }
        let kind: ExpressionTokenKind
        if c == "'" || c == "\"" {
            kind = .string(try lexString(quote: c))
        } else if isDecimalDigit(c) || (c == "." && peek(1).map(isDecimalDigit) == true) {
            kind = .number(try lexNumber())
        } else if isIdentifierStart(c) || c == "\\" {
            let (name, escaped) = try lexIdentifierName()
            kind = .identifier(name, escaped: escaped)
        } else if let p = matchPunctuator() {
            position += p.rawValue.unicodeScalars.count
            kind = .punctuator(p)
        } else {
            throw error("Unexpected character '\(c.escaped(asASCII: false))'", at: start)
        }
        return ExpressionToken(kind: kind, column: column(at: start), start: start, end: position)
    }

    private func matchPunctuator() -> ExpressionPunctuator? {
        guard let first = peek(), let candidates = ExpressionPunctuator.byFirstScalar[first] else { return nil }
        for (p, text) in candidates where position + text.count <= scalars.count {
            var length = 1
            while length < text.count, scalars[position + length] == text[length] { length += 1 }
            guard length == text.count else { continue }
            // `?.` followed by a digit is `?` and a number: `a?.5:1`.
            if p == .optionalChain, let after = peek(2), isDecimalDigit(after) { continue }
            return p
        }
        return nil
    }

    private mutating func skipTrivia() throws(ExpressionError) {
        while let c = peek() {
            if JSStrings.isWhitespace(c) {
                position += 1
            } else if c == "/", peek(1) == "*" {
                let start = position
                position += 2
                while true {
                    guard let d = peek() else { throw error("Unterminated comment", at: start) }
                    if d == "*", peek(1) == "/" {
                        position += 2
                        break
                    }
                    position += 1
                }
            } else if c == "/", peek(1) == "/" {
                let start = position
                while let d = peek(), !JSStrings.isLineTerminator(d) { position += 1 }
                // The expression runs inside `return (EXPR)`: a `//` comment reaching the end
                // of the source would swallow the closing parenthesis.
                if peek() == nil {
                    throw error("A '//' comment must end with a line break", at: start)
                }
            } else {
                return
            }
        }
    }

    // MARK: - Identifiers

    // ASCII answers first: Unicode property lookups dominate lexing otherwise.
    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "$" || c == "_" }
        return c.properties.isIDStart
    }

    private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "$" || c == "_" }
        return c.value == 0x200C || c.value == 0x200D || c.properties.isIDContinue
    }

    private mutating func lexIdentifierName() throws(ExpressionError) -> (String, Bool) {
        var name = String.UnicodeScalarView()
        var escaped = false
        var first = true
        while let c = peek() {
            var scalar = c
            let start = position
            if c == "\\" {
                guard peek(1) == "u" else { throw error("Invalid escape in identifier", at: start) }
                position += 2
                guard let value = try lexUnicodeEscapeBody(start: start), let s = Unicode.Scalar(value) else {
                    throw error("Invalid Unicode escape sequence", at: start)
                }
                scalar = s
                escaped = true
            } else {
                guard first ? isIdentifierStart(c) : isIdentifierPart(c) else { break }
                position += 1
            }
            guard first ? isIdentifierStart(scalar) : isIdentifierPart(scalar) else {
                throw error("Invalid identifier character", at: start)
            }
            name.append(scalar)
            first = false
        }
        return (String(name), escaped)
    }

    /// After `\u`: `XXXX` or `{X…}`; the code point, or nil if malformed.
    private mutating func lexUnicodeEscapeBody(start: Int) throws(ExpressionError) -> UInt32? {
        if peek() == "{" {
            position += 1
            var value: UInt32 = 0
            var count = 0
            while let c = peek(), c != "}" {
                guard let d = hexValue(c) else { return nil }
                value = value * 16 + d
                guard value <= 0x10FFFF else { throw error("Undefined Unicode code-point", at: start) }
                count += 1
                position += 1
            }
            guard peek() == "}", count > 0 else { return nil }
            position += 1
            return value
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek(), let d = hexValue(c) else { return nil }
            value = value * 16 + d
            position += 1
        }
        return value
    }

    // MARK: - Strings

    private mutating func lexString(quote: Unicode.Scalar) throws(ExpressionError) -> String {
        let start = position
        position += 1
        var units: [UInt16] = []
        func append(_ scalar: Unicode.Scalar) { units.append(contentsOf: String(scalar).utf16) }
        while true {
            guard let c = peek() else { throw error("Unterminated string literal", at: start) }
            if c == quote {
                position += 1
                return JSStrings.fromCodeUnits(units)
            }
            if c == "\n" || c == "\r" { throw error("Unterminated string literal", at: start) }
            if c != "\\" {
                append(c)
                position += 1
                continue
            }
            let escapeStart = position
            position += 1
            guard let e = peek() else { throw error("Unterminated string literal", at: start) }
            position += 1
            switch e {
            case "n": units.append(0x0A)
            case "t": units.append(0x09)
            case "r": units.append(0x0D)
            case "b": units.append(0x08)
            case "f": units.append(0x0C)
            case "v": units.append(0x0B)
            case "\r":
                if peek() == "\n" { position += 1 }  // line continuation
            case "\n", "\u{2028}", "\u{2029}":
                break  // line continuation
            case "x":
                guard let h1 = peek().flatMap(hexValue), let h2 = peek(1).flatMap(hexValue) else {
                    throw error("Invalid hexadecimal escape sequence", at: escapeStart)
                }
                position += 2
                units.append(UInt16(h1 * 16 + h2))
            case "u":
                guard let value = try lexUnicodeEscapeBody(start: escapeStart) else {
                    throw error("Invalid Unicode escape sequence", at: escapeStart)
                }
                if value <= 0xFFFF {
                    units.append(UInt16(value))  // may be half of a surrogate pair
                } else if let s = Unicode.Scalar(value) {
                    append(s)
                }
            case "0"..."7":
                // Legacy octal escapes (`\0`, `\12`, `\377`) are allowed: `new Function`
                // bodies are sloppy-mode code.
                var value = e.value - 0x30
                let maxDigits = value <= 3 ? 3 : 2
                var digits = 1
                while digits < maxDigits, let d = peek(), ("0"..."7").contains(d) {
                    value = value * 8 + (d.value - 0x30)
                    position += 1
                    digits += 1
                }
                units.append(UInt16(value))
            default:
                append(e)  // `\'`, `\"`, `\\`, `\8`, `\9` and identity escapes
            }
        }
    }

    // MARK: - Numbers

    private mutating func lexNumber() throws(ExpressionError) -> Double {
        let start = position
        let value: Double
        if peek() == "0", let p = peek(1), let radix = radixPrefix(p) {
            position += 2
            let digits = try lexDigits(radix: radix, start: start)
            guard !digits.isEmpty else { throw error("Invalid or unexpected token", at: start) }
            value = JSNumberParsing.integerValue(digits, radix: radix)
        } else if peek() == "0", let d = peek(1), isDecimalDigit(d) || d == "_" {
            value = try lexLegacyLeadingZero(start: start)
        } else {
            let integer = try lexDigits(radix: 10, start: start)
            var fraction: [Int] = []
            var exponent: [UInt8] = []
            if peek() == "." {
                position += 1
                if let c = peek(), isDecimalDigit(c) { fraction = try lexDigits(radix: 10, start: start) }
            }
            if let e = peek(), e == "e" || e == "E" {
                position += 1
                if let s = peek(), s == "+" || s == "-" {
                    exponent.append(UInt8(truncatingIfNeeded: s.value))
                    position += 1
                }
                let digits = try lexDigits(radix: 10, start: start)
                guard !digits.isEmpty else { throw error("Invalid or unexpected token", at: start) }
                exponent += digits.map { UInt8($0) + 0x30 }
            }
            value = JSNumberParsing.decimalValue(
                integer: ArraySlice(integer.map { UInt8($0) + 0x30 }),
                fraction: ArraySlice(fraction.map { UInt8($0) + 0x30 }),
                exponent: ArraySlice(exponent))
        }
        try checkAfterNumber(start: start)
        return value
    }

    /// `0` followed by digits: sloppy-mode legacy octal (`010` is 8) when all digits are
    /// 0–7, otherwise a decimal (`08`, `09.5`). Separators are not allowed in either.
    private mutating func lexLegacyLeadingZero(start: Int) throws(ExpressionError) -> Double {
        var digits: [Int] = []
        while let c = peek(), isDecimalDigit(c) {
            digits.append(Int(c.value - 0x30))
            position += 1
        }
        if peek() == "_" { throw error("Numeric separators are not allowed here", at: position) }
        if digits.allSatisfy({ $0 < 8 }) {
            return JSNumberParsing.integerValue(digits, radix: 8)
        }
        var fraction: [UInt8] = []
        var exponent: [UInt8] = []
        if peek() == "." {
            position += 1
            while let c = peek(), isDecimalDigit(c) {
                fraction.append(UInt8(c.value))
                position += 1
            }
        }
        if let e = peek(), e == "e" || e == "E" {
            position += 1
            if let s = peek(), s == "+" || s == "-" {
                exponent.append(UInt8(s.value))
                position += 1
            }
            var any = false
            while let c = peek(), isDecimalDigit(c) {
                exponent.append(UInt8(c.value))
                position += 1
                any = true
            }
            guard any else { throw error("Invalid or unexpected token", at: start) }
        }
        return JSNumberParsing.decimalValue(
            integer: ArraySlice(digits.map { UInt8($0) + 0x30 }), fraction: ArraySlice(fraction),
            exponent: ArraySlice(exponent))
    }

    /// Digits of `radix` with `_` separators between digits; returns digit values.
    private mutating func lexDigits(radix: Int, start: Int) throws(ExpressionError) -> [Int] {
        var digits: [Int] = []
        while let c = peek() {
            if c == "_" {
                guard !digits.isEmpty, let n = peek(1), let d = digit(n), d < radix else {
                    throw error("Numeric separators are allowed only between digits", at: position)
                }
                position += 1
                continue
            }
            guard let d = digit(c), d < radix else { break }
            digits.append(d)
            position += 1
        }
        return digits
    }

    private func checkAfterNumber(start: Int) throws(ExpressionError) {
        guard let c = peek() else { return }
        if c == "n" { throw error("BigInt literals are not supported", at: start) }
        if isIdentifierStart(c) || isDecimalDigit(c) || c == "\\" {
            throw error("Invalid or unexpected token", at: start)
        }
    }

    private func radixPrefix(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "x", "X": 16
        case "o", "O": 8
        case "b", "B": 2
        default: nil
        }
    }

    private func isDecimalDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    private func digit(_ c: Unicode.Scalar) -> Int? {
        guard c.isASCII else { return nil }
        return JSNumberParsing.digitValue(UInt8(c.value))
    }

    private func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        guard let d = digit(c), d < 16 else { return nil }
        return UInt32(d)
    }
}
