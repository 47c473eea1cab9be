/// Splits SQL text holding several statements (a Prisma `migration.sql`) into statements, for
/// drivers that run one statement per call (postgres-nio speaks only the extended protocol).
/// Semicolons inside quotes, quoted identifiers, dollar-quoted bodies (`DO $$ … $$`) and
/// comments do not split; statements that are only comments or blank are dropped.
public enum SQLScript {
    public static func statements(in text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false
        var i = 0

        func flush() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasCode && !statement.isEmpty { statements.append(statement) }
            current.removeAll()
            hasCode = false
        }
        func copy(_ range: Range<Int>) {
            current.append(contentsOf: s[range])
        }

        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            switch c {
            case "-" where next == "-":
                var end = i
                while end < s.count && s[end] != "\n" { end += 1 }
                copy(i..<end)
                i = end
            case "/" where next == "*":
                var depth = 0
                var end = i
                repeat {
                    if end + 1 < s.count && s[end] == "/" && s[end + 1] == "*" { depth += 1; end += 2 }
                    else if end + 1 < s.count && s[end] == "*" && s[end + 1] == "/" { depth -= 1; end += 2 }
                    else { end += 1 }
                } while depth > 0 && end < s.count
                copy(i..<end)
                i = end
            case "'", "\"":
                let escapes = c == "'" && i > 0 && (s[i - 1] == "E" || s[i - 1] == "e") && (i < 2 || !isIdentifier(s[i - 2]))
                var end = i + 1
                while end < s.count {
                    if escapes && s[end] == "\\" { end += 2; continue }
                    if s[end] == c {
                        if end + 1 < s.count && s[end + 1] == c { end += 2; continue }  // doubled quote
                        break
                    }
                    end += 1
                }
                end = min(end + 1, s.count)
                copy(i..<end)
                hasCode = true
                i = end
            case "$":
                if let tagEnd = dollarTagEnd(s, from: i), !(i > 0 && isIdentifier(s[i - 1])) {
                    let tag = Array(s[i...tagEnd])
                    var end = tagEnd + 1
                    while end < s.count && !(s[end] == "$" && Array(s[end..<min(end + tag.count, s.count)]) == tag) { end += 1 }
                    end = min(end + tag.count, s.count)
                    copy(i..<end)
                    hasCode = true
                    i = end
                } else {
                    current.append(c)
                    hasCode = true
                    i += 1
                }
            case ";":
                flush()
                i += 1
            default:
                current.append(c)
                if !c.properties.isWhitespace { hasCode = true }
                i += 1
            }
        }
        flush()
        return statements
    }

    /// `$$` or `$tag$` starting at `start`: the index of its closing `$`.
    private static func dollarTagEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var end = start + 1
        while end < s.count, s[end] != "$" {
            guard isIdentifier(s[end]), !(end == start + 1 && ("0"..."9").contains(s[end])) else { return nil }
            end += 1
        }
        return end < s.count ? end : nil
    }

    private static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c)
    }
}
