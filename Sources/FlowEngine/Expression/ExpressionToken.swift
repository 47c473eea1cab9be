/// Punctuators. Supported operators and every other JavaScript punctuator (so unsupported
/// ones get a precise "not supported" error instead of a confusing one).
enum ExpressionPunctuator: String, CaseIterable, Sendable {
    // Supported.
    case lparen = "("
    case rparen = ")"
    case lbracket = "["
    case rbracket = "]"
    case dot = "."
    case optionalChain = "?."
    case comma = ","
    case question = "?"
    case colon = ":"
    case not = "!"
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    case percent = "%"
    case lt = "<"
    case gt = ">"
    case le = "<="
    case ge = ">="
    case eq = "=="
    case ne = "!="
    case seq = "==="
    case sne = "!=="
    case and = "&&"
    case or = "||"
    case coalesce = "??"
    // Unsupported.
    case lbrace = "{"
    case rbrace = "}"
    case semicolon = ";"
    case ellipsis = "..."
    case arrow = "=>"
    case assign = "="
    case plusAssign = "+="
    case minusAssign = "-="
    case starAssign = "*="
    case slashAssign = "/="
    case percentAssign = "%="
    case starStarAssign = "**="
    case shlAssign = "<<="
    case shrAssign = ">>="
    case ushrAssign = ">>>="
    case ampAssign = "&="
    case pipeAssign = "|="
    case caretAssign = "^="
    case andAssign = "&&="
    case orAssign = "||="
    case coalesceAssign = "??="
    case plusPlus = "++"
    case minusMinus = "--"
    case starStar = "**"
    case tilde = "~"
    case amp = "&"
    case pipe = "|"
    case caret = "^"
    case shl = "<<"
    case shr = ">>"
    case ushr = ">>>"
    case backtick = "`"
    case hash = "#"
    case at = "@"

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
