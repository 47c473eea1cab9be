/// The `.env` grammar described on `DotEnvFile`, one scalar at a time (so CRLF is two scalars,
/// not one grapheme) with a line counter for messages.
struct DotEnvParser {
    struct Failure: Error {
        let line: Int
        let message: String
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1

    init(text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
    }

    mutating func parseAll() throws(Failure) -> [DotEnvFile.Entry] {
        var entries: [DotEnvFile.Entry] = []
        while index < scalars.count {
            skipBlanks()
            if atLineEnd {
                consumeLineEnd()
                continue
            }
            if peek == "#" {
                skipComment()
                consumeLineEnd()
                continue
            }
            let start = line
            let lineStart = index
            var key = readName()
            if key == "export", let next = peek, next == " " || next == "\t" {
                skipBlanks()
                key = readName()
            }
            skipBlanks()
            guard peek == "=", !key.isEmpty else {
                let rest = restOfLine(from: lineStart)
                guard !key.isEmpty, rest.contains("=") else {
                    let found = String(String.UnicodeScalarView(rest.prefix(40)))
                    throw Failure(line: line, message: "expected KEY=value, found \"\(found)\"")
                }
                throw Failure(line: line, message: "expected \"=\" after \(key)")
            }
            if let first = key.unicodeScalars.first, ("0"..."9").contains(first) {
                throw Failure(line: line, message: "\"\(key)\" is not a valid variable name (it starts with a digit)")
            }
            index += 1
            skipBlanks()
            let value: String
            switch peek {
            case "'": value = try readQuoted(quote: "'", escapes: false)
            case "\"": value = try readQuoted(quote: "\"", escapes: true)
            default: value = readUnquoted()
            }
            skipBlanks()
            if peek == "#" { skipComment() }
            guard atLineEnd else { throw Failure(line: line, message: "unexpected text after the closing quote of \(key)") }
            consumeLineEnd()
            entries.append(DotEnvFile.Entry(key: key, value: value, line: start))
        }
        return entries
    }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private var atLineEnd: Bool {
        guard let c = peek else { return true }
        return c == "\n" || (c == "\r" && (index + 1 == scalars.count || scalars[index + 1] == "\n"))
    }

    private mutating func consumeLineEnd() {
        if peek == "\r" { index += 1 }
        if peek == "\n" { index += 1 }
        line += 1
    }

    private mutating func skipBlanks() {
        while let c = peek, c == " " || c == "\t" { index += 1 }
    }

    private mutating func skipComment() {
        while !atLineEnd { index += 1 }
    }

    private func restOfLine(from start: Int) -> [Unicode.Scalar] {
        var end = start
        while end < scalars.count, scalars[end] != "\n", scalars[end] != "\r" { end += 1 }
        return Array(scalars[start..<end])
    }

    private mutating func readName() -> String {
        var name = String.UnicodeScalarView()
        while let c = peek, c == "_" || c == "." || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) {
            name.append(c)
            index += 1
        }
        return String(name)
    }

    /// To the end of the line or a `#` that starts a word; trailing blanks trimmed.
    private mutating func readUnquoted() -> String {
        var value = String.UnicodeScalarView()
        while !atLineEnd, let c = peek {
            if c == "#", value.isEmpty || value.last == " " || value.last == "\t" { break }
            value.append(c)
            index += 1
        }
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        return String(value)
    }

    private mutating func readQuoted(quote: Unicode.Scalar, escapes: Bool) throws(Failure) -> String {
        let start = line
        index += 1
        var value = String.UnicodeScalarView()
        while let c = peek {
            index += 1
            switch c {
            case quote:
                return String(value)
            case "\r" where peek == "\n":
                continue  // CRLF inside a multi-line value becomes LF
            case "\n":
                line += 1
                value.append(c)
            case "\\" where escapes:
                guard let next = peek else { continue }
                index += 1
                switch next {
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                case "\"", "\\": value.append(next)
                default:
                    value.append(c)
                    value.append(next)
                }
                if next == "\n" { line += 1 }
            default:
                value.append(c)
            }
        }
        let kind = quote == "'" ? "single" : "double"
        throw Failure(line: start, message: "unterminated \(kind)-quoted value (no closing \(quote))")
    }
}
