/// Punctuators. Supported operators and every other JavaScript punctuator (so unsupported
/// ones get a precise "not supported" error instead of a confusing one).
enum ExpressionPunctuator: String, CaseIterable, Sendable {
    // Supported.
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]"
    case dot = ".", optionalChain = "?.", comma = ",", question = "?", colon = ":"
    case not = "!", plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case lt = "<", gt = ">", le = "<=", ge = ">=", eq = "==", ne = "!=", seq = "===", sne = "!=="
    case and = "&&", or = "||", coalesce = "??"
    // Unsupported.
    case lbrace = "{", rbrace = "}", semicolon = ";", ellipsis = "...", arrow = "=>"
    case assign = "=", plusAssign = "+=", minusAssign = "-=", starAssign = "*=", slashAssign = "/="
    case percentAssign = "%=", starStarAssign = "**=", shlAssign = "<<=", shrAssign = ">>="
    case ushrAssign = ">>>=", ampAssign = "&=", pipeAssign = "|=", caretAssign = "^="
    case andAssign = "&&=", orAssign = "||=", coalesceAssign = "??="
    case plusPlus = "++", minusMinus = "--", starStar = "**", tilde = "~"
    case amp = "&", pipe = "|", caret = "^", shl = "<<", shr = ">>", ushr = ">>>"
    case backtick = "`", hash = "#", at = "@"

    /// Punctuators by first character, each list longest first, for maximal munch.
    static let byFirstScalar: [Unicode.Scalar: [(ExpressionPunctuator, [Unicode.Scalar])]] = {
        var table: [Unicode.Scalar: [(ExpressionPunctuator, [Unicode.Scalar])]] = [:]
        for p in allCases {
            let scalars = Array(p.rawValue.unicodeScalars)
            guard let first = scalars.first else { continue }
            table[first, default: []].append((p, scalars))
        }
        return table.mapValues { $0.sorted { $0.1.count > $1.1.count } }
    }()

    var isAssignment: Bool {
        switch self {
        case .assign, .plusAssign, .minusAssign, .starAssign, .slashAssign, .percentAssign,
            .starStarAssign, .shlAssign, .shrAssign, .ushrAssign, .ampAssign, .pipeAssign,
            .caretAssign, .andAssign, .orAssign, .coalesceAssign:
            true
        default: false
        }
    }
}

enum ExpressionTokenKind: Sendable, Equatable {
    /// An IdentifierName (reserved words included; the parser classifies). `escaped` is set
    /// when it was written with `\u` escapes, which keywords may not be.
    case identifier(String, escaped: Bool)
    case number(Double)
    case string(String)
    case punctuator(ExpressionPunctuator)
    case end
}

struct ExpressionToken: Sendable {
    var kind: ExpressionTokenKind
    /// 1-based column of the first character, in Characters.
    var column: Int
    /// Offsets in the source's Unicode scalars: `[start, end)`.
    var start: Int
    var end: Int

    func isPunctuator(_ p: ExpressionPunctuator) -> Bool {
        if case .punctuator(let q) = kind { return p == q }
        return false
    }

    var identifierName: String? {
        if case .identifier(let name, _) = kind { return name }
        return nil
    }
}
