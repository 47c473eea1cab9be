/// One statement of a migration script, with where it starts in the script.
package struct SQLStatement: Sendable, Equatable {
    /// The statement as written, without its terminating `;` (leading comments kept).
    package let text: String
    /// Characters (Unicode scalars, which is what PostgreSQL counts) before it in the script.
    package let offset: Int

    package init(text: String, offset: Int) {
        self.text = text
        self.offset = offset
    }

    /// Turns an error position PostgreSQL reported for this statement (1-based, in characters)
    /// into the position in the whole script, which is what Prisma's failure logs point at.
    package func scriptPosition(_ statementPosition: Int) -> Int { offset + statementPosition }
}

/// Splits a PostgreSQL script into statements.
///
/// Prisma sends a whole migration as one simple-protocol query; postgres-nio only speaks the
/// extended protocol, which takes one statement at a time, so fcb runs the statements one by one
/// inside one transaction (the same all-or-nothing effect). The split follows psql's lexer:
/// semicolons count only outside quotes (`'…'` with `''`, `E'…'` with backslash escapes, `"…"`),
/// dollar quotes (`$$…$$`, `$tag$…$tag$`, as in `DO $$ … $$`), comments (`-- …`, nested
/// `/* … */`) and parentheses. Pieces holding only white space and comments are dropped.
/// (SQL-standard `BEGIN ATOMIC … END` function bodies are not supported; the migrations have none.)
package enum SQLScript {
    package static func statements(in script: String) -> [SQLStatement] {
        let scalars = Array(script.unicodeScalars)
        var statements: [SQLStatement] = []
        var start = 0
        var index = 0
        var depth = 0
        var hasCode = false

        func finish(at end: Int) {
            if hasCode {
                var text = String.UnicodeScalarView()
                text.append(contentsOf: scalars[start..<end])
                statements.append(SQLStatement(text: String(text), offset: start))
            }
            hasCode = false
        }

        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case "-" where next == "-":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            case "/" where next == "*":
                index = skipBlockComment(scalars, from: index)
                continue
            case "'":
                let escapes = index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e") && !isIdentifierPart(scalars, before: index - 1)
                index = skipQuoted(scalars, from: index, quote: "'", backslashEscapes: escapes)
            case "\"":
                index = skipQuoted(scalars, from: index, quote: "\"", backslashEscapes: false)
            case "$":
                if let tagEnd = dollarTagEnd(scalars, from: index) {
                    index = skipDollarQuoted(scalars, tag: Array(scalars[index...tagEnd]), from: tagEnd + 1)
                } else {
                    index += 1
                }
            case "(":
                depth += 1
                index += 1
            case ")":
                depth = max(0, depth - 1)
                index += 1
            case ";" where depth == 0:
                finish(at: index)
                index += 1
                start = index
                continue
            default:
                index += 1
            }
            if !scalar.properties.isWhitespace { hasCode = true }
        }
        finish(at: scalars.count)
        return statements
    }

    /// Past the end of a `/* … */` comment, which PostgreSQL lets nest.
    private static func skipBlockComment(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var index = start + 2
        var depth = 1
        while index < s.count, depth > 0 {
            if s[index] == "/", index + 1 < s.count, s[index + 1] == "*" {
                depth += 1
                index += 2
            } else if s[index] == "*", index + 1 < s.count, s[index + 1] == "/" {
                depth -= 1
                index += 2
            } else {
                index += 1
            }
        }
        return index
    }

    /// Past the closing quote; a doubled quote is part of the text.
    private static func skipQuoted(_ s: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar, backslashEscapes: Bool) -> Int {
        var index = start + 1
        while index < s.count {
            if backslashEscapes, s[index] == "\\" {
                index += 2
            } else if s[index] == quote {
                if index + 1 < s.count, s[index + 1] == quote {
                    index += 2
                } else {
                    return index + 1
                }
            } else {
                index += 1
            }
        }
        return index
    }

    /// The index of the `$` closing a dollar-quote tag that opens at `start`, or nil when this
    /// `$` is not one (a `$1` parameter, or part of an identifier such as `a$b`).
    private static func dollarTagEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        if isIdentifierPart(s, before: start) { return nil }
        var index = start + 1
        while index < s.count {
            let scalar = s[index]
            if scalar == "$" { return index }
            let isLetter = scalar.properties.isAlphabetic || scalar == "_" || scalar.value >= 0x80
            let isDigit = ("0"..."9").contains(scalar)
            guard isLetter || (isDigit && index > start + 1) else { return nil }
            index += 1
        }
        return nil
    }

    private static func skipDollarQuoted(_ s: [Unicode.Scalar], tag: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index + tag.count <= s.count {
            if s[index] == "$", Array(s[index..<(index + tag.count)]) == tag { return index + tag.count }
            index += 1
        }
        return s.count
    }

    /// Whether the scalar before `index` continues an identifier (so `E'` or `$` there is not
    /// the start of a string).
    private static func isIdentifierPart(_ s: [Unicode.Scalar], before index: Int) -> Bool {
        guard index > 0 else { return false }
        let previous = s[index - 1]
        return previous.properties.isAlphabetic || previous == "_" || previous == "$" || ("0"..."9").contains(previous)
            || previous.value >= 0x80
    }
}
