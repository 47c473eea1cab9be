/// An operator-precedence (shunting-yard) parser that compiles straight to `ExpressionInstruction`s.
///
/// It is fully iterative: nesting lives in explicit operand/operator stacks, and `maxDepth`
/// bounds them. Precedence, lowest first: `?:` (right-assoc), `||` / `??`, `&&`, equality,
/// relational, additive, multiplicative, prefix `! - +`, then member access and calls.
///
/// Syntax errors are thrown at once. Unknown identifiers and functions are remembered and
/// parsing continues, so — as in JavaScript, which reports SyntaxErrors before running
/// anything — a later syntax error wins over an earlier unknown name.
struct ExpressionParser {
    struct Result {
        var code: [ExpressionInstruction]
        var contextPaths: [[String]]
    }

    private enum Callee {
        /// Not callable by construction (a literal, an operator result, `context` itself…).
        case none
        /// One of the global functions, called next (checked by look-ahead).
        case global(ExpressionGlobalFunction)
        /// The last link was a member access; `name` is nil for a dynamic `[expr]`.
        case member(name: String?, column: Int, instruction: Int)
        /// Derived from an unknown identifier/function already reported; anything goes.
        case poison
    }

    private struct Operand {
        var callee: Callee = .none
        /// The static `context.a.b` path this operand reads, while it is one.
        var path: [String]?
        /// Pending optional-chain jumps, patched to the end of the chain.
        var chainJumps: [Int] = []
        var parenthesized = false
        /// Top-level `&&`, `||` or `??` and its column (for the `??` mixing rule).
        var logical: (ExpressionPunctuator, Int)?
        /// A single literal `push` at `literalInstruction` (for folding `obj['key']`).
        var literal: JSValue?
        var literalInstruction = 0
        /// Source range in scalar offsets.
        var start: Int
        var end: Int

        init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    private enum CallKind {
        case global(ExpressionGlobalFunction)
        case method(name: String, column: Int, text: String)
        case poison
    }

    private struct CallMarker {
        var kind: CallKind
        var column: Int
        var argumentCount = 0
        var operandBase: Int
        var chainJumps: [Int]
        var start: Int
    }

    private enum Entry {
        case prefix(ExpressionUnaryOperator, column: Int, start: Int)
        case binary(ExpressionBinaryOperator, precedence: Int, column: Int)
        case logical(ExpressionPunctuator, column: Int, jump: Int)
        case group(column: Int, start: Int, operandBase: Int)
        case call(CallMarker)
        case bracket(object: Operand, column: Int, operandBase: Int)
        case ternaryTest(column: Int, jump: Int, start: Int, operandBase: Int)
        case ternaryAlternate(column: Int, jump: Int, start: Int, operandBase: Int)

        /// Binding power for reduction; markers (groups, calls, brackets, `?`) have none.
        var precedence: Int? {
            switch self {
            case .prefix: 10
            case .binary(_, let p, _): p
            case .logical(let p, _, _): p == .and ? 5 : 4
            case .ternaryAlternate: 2
            default: nil
            }
        }
    }

    private static let reservedWords: Set<String> = [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
        "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
        "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
        "true", "try", "typeof", "var", "void", "while", "with",
    ]

    private var lexer: ExpressionLexer
    private let limits: ExpressionLimits
    private var lookahead: [ExpressionToken] = []
    private var code: [ExpressionInstruction] = []
    private var operands: [Operand] = []
    private var operators: [Entry] = []
    private var depth = 0
    private var deferred: ExpressionError?
    private var paths: [[String]] = []

    init(source: String, limits: ExpressionLimits) {
        lexer = ExpressionLexer(source)
        self.limits = limits
    }

    // MARK: - Tokens

    private mutating func peekToken(_ n: Int = 0) throws(ExpressionError) -> ExpressionToken {
        while lookahead.count <= n { lookahead.append(try lexer.next()) }
        return lookahead[n]
    }

    private mutating func nextToken() throws(ExpressionError) -> ExpressionToken {
        if lookahead.isEmpty { return try lexer.next() }
        return lookahead.removeFirst()
    }

    private func describe(_ token: ExpressionToken) -> String {
        switch token.kind {
        case .end: "end of expression"
        case .number: "number"
        case .string: "string"
        case .identifier(let name, _): ExpressionParser.reservedWords.contains(name) ? "token '\(name)'" : "identifier '\(name)'"
        case .punctuator(let p): "token '\(p.rawValue)'"
        }
    }

    private func unexpected(_ token: ExpressionToken) -> ExpressionError {
        .syntax("Unexpected \(describe(token))", token.column)
    }

    private mutating func report(_ kind: ExpressionError.Kind, _ message: String, _ column: Int) {
        if deferred == nil { deferred = ExpressionError(kind: kind, message: message, column: column) }
    }

    // MARK: - Driver

    mutating func parse() throws(ExpressionError) -> Result {
        var expectOperand = true
        while true {
            let token = try nextToken()
            if expectOperand {
                expectOperand = try parseOperandPosition(token)
            } else {
                if try parseOperatorPosition(token) { break }
                expectOperand = !isOperandOnTop
            }
        }
        if let deferred { throw deferred }
        return Result(code: code, contextPaths: paths)
    }

    /// Set by `parseOperatorPosition`: true when a complete operand is on top afterwards (a
    /// member access or closing bracket), false when an operand must follow (an operator).
    private var isOperandOnTop = false

    /// Handles a token where an operand must start. Returns whether an operand is still
    /// expected afterwards.
    private mutating func parseOperandPosition(_ token: ExpressionToken) throws(ExpressionError) -> Bool {
        switch token.kind {
        case .number(let n):
            pushLiteral(.number(n), token)
        case .string(let s):
            pushLiteral(.string(s), token)
        case .identifier(let name, let escaped):
            try parseIdentifier(name, escaped: escaped, token)
        case .end:
            throw unexpected(token)
        case .punctuator(let p):
            switch p {
            case .not, .minus, .plus:
                let op: ExpressionUnaryOperator = p == .not ? .not : (p == .minus ? .negate : .plus)
                try open(.prefix(op, column: token.column, start: token.start), token)
                return true
            case .lparen:
                try open(.group(column: token.column, start: token.start, operandBase: operands.count), token)
                return true
            case .rparen:
                // `f()` or a trailing comma `f(a,)`.
                if case .call(let marker) = operators.last, operands.count == marker.operandBase {
                    operators.removeLast()
                    closeCall(marker, token)
                    return false
                }
                if case .group = operators.last {
                    let next = try peekToken()
                    if next.isPunctuator(.arrow) { throw .syntax("Arrow functions are not supported", next.column) }
                }
                throw unexpected(token)
            case .lbracket: throw .syntax("Array literals are not supported", token.column)
            case .lbrace: throw .syntax("Object literals and blocks are not supported", token.column)
            case .slash, .slashAssign:
                throw .syntax("Regular expression literals are not supported", token.column)
            case .backtick: throw .syntax("Template literals are not supported", token.column)
            case .plusPlus, .minusMinus:
                throw .syntax("Increment and decrement operators are not supported", token.column)
            case .ellipsis: throw .syntax("Spread syntax is not supported", token.column)
            case .tilde: throw .syntax("Bitwise operator '~' is not supported", token.column)
            default: throw unexpected(token)
            }
        }
        return false
    }

    private mutating func parseIdentifier(_ name: String, escaped: Bool, _ token: ExpressionToken) throws(ExpressionError) {
        if escaped && (ExpressionParser.reservedWords.contains(name)) {
            throw .syntax("Keyword must not contain escaped characters", token.column)
        }
        switch name {
        case "context":
            code.append(.loadContext)
            var operand = Operand(start: token.start, end: token.end)
            operand.path = []
            operands.append(operand)
            return
        case "true":
            pushLiteral(.bool(true), token)
            return
        case "false":
            pushLiteral(.bool(false), token)
            return
        case "null":
            pushLiteral(.null, token)
            return
        case "undefined":
            pushLiteral(.undefined, token)
            return
        case "NaN":
            pushLiteral(.number(.nan), token)
            return
        case "Infinity":
            pushLiteral(.number(.infinity), token)
            return
        case "new", "typeof", "delete", "void", "this", "super", "import", "function", "class", "in", "instanceof":
            throw .syntax("'\(name)' is not supported", token.column)
        default:
            break
        }
        if ExpressionParser.reservedWords.contains(name) { throw unexpected(token) }

        let next = try peekToken()
        if next.isPunctuator(.arrow) { throw .syntax("Arrow functions are not supported", next.column) }
        var calledNext = next.isPunctuator(.lparen)
        if !calledNext, next.isPunctuator(.optionalChain) { calledNext = try peekToken(1).isPunctuator(.lparen) }
        if let function = ExpressionGlobalFunction(rawValue: name) {
            if calledNext {
                var operand = Operand(start: token.start, end: token.end)
                operand.callee = .global(function)
                code.append(.push(.undefined))  // placeholder, removed by the call
                operands.append(operand)
                return
            }
            var memberCall: String?
            if next.isPunctuator(.dot), let member = try peekToken(1).identifierName {
                if try peekToken(2).isPunctuator(.lparen) { memberCall = member }
            }
            if let member = memberCall {
                report(.unknownFunction, "'\(name).\(member)' is not supported; only \(name)(…) can be called", token.column)
            } else {
                report(.unknownIdentifier, "'\(name)' can only be called, as \(name)(…)", token.column)
            }
        } else if calledNext {
            report(.unknownFunction, "Unknown function '\(name)'; the functions are \(ExpressionParser.functionList)", token.column)
        } else {
            report(.unknownIdentifier, "Unknown identifier '\(name)'; the only variable is 'context'", token.column)
        }
        code.append(.push(.undefined))
        var operand = Operand(start: token.start, end: token.end)
        operand.callee = .poison
        operands.append(operand)
    }

    static let functionList = ExpressionGlobalFunction.allCases.map(\.rawValue).joined(separator: ", ")
    static let methodList = JSMethod.allCases.map(\.rawValue).joined(separator: ", ")

    private mutating func pushLiteral(_ value: JSValue, _ token: ExpressionToken) {
        code.append(.push(value))
        var operand = Operand(start: token.start, end: token.end)
        operand.literal = value
        operand.literalInstruction = code.count - 1
        operands.append(operand)
    }

    /// Pushes a nesting entry, enforcing `maxDepth`.
    private mutating func open(_ entry: Entry, _ token: ExpressionToken) throws(ExpressionError) {
        depth += 1
        if depth > limits.maxDepth {
            throw ExpressionError(
                kind: .tooDeep, message: "Expression is nested more than \(limits.maxDepth) levels deep",
                column: token.column)
        }
        operators.append(entry)
    }

    /// Handles a token after a complete operand. Returns true at the end of input.
    /// Sets `isOperandOnTop` to whether an operand is complete afterwards.
    private mutating func parseOperatorPosition(_ token: ExpressionToken) throws(ExpressionError) -> Bool {
        isOperandOnTop = true
        switch token.kind {
        case .end:
            finishChain()
            try reduceToMarker()
            if !operators.isEmpty { throw .syntax("Unexpected end of expression", token.column) }
            if let result = operands.popLast() { consume(result) }
            return true
        case .number, .string:
            throw unexpected(token)
        case .identifier(let name, _):
            if name == "in" || name == "instanceof" { throw .syntax("'\(name)' is not supported", token.column) }
            throw unexpected(token)
        case .punctuator(let p):
            switch p {
            case .dot:
                let name = try nextToken()
                guard let identifier = name.identifierName else {
                    if name.isPunctuator(.hash) { throw .syntax("Private names are not supported", name.column) }
                    throw unexpected(name)
                }
                member(identifier, name)
            case .optionalChain:
                let next = try peekToken()
                if next.isPunctuator(.lparen) {
                    _ = try nextToken()
                    try call(next, optional: true)
                    isOperandOnTop = false
                    return false
                }
                emitOptionalJump(drop: 1)
                if next.isPunctuator(.lbracket) {
                    _ = try nextToken()
                    try openBracket(next)
                    isOperandOnTop = false
                } else if let identifier = next.identifierName {
                    _ = try nextToken()
                    member(identifier, next)
                } else if next.isPunctuator(.backtick) {
                    throw .syntax("Template literals are not supported", next.column)
                } else {
                    throw unexpected(next)
                }
            case .lbracket:
                try openBracket(token)
                isOperandOnTop = false
            case .lparen:
                try call(token, optional: false)
                isOperandOnTop = false
            case .rbracket:
                try closeBracket(token)
            case .rparen:
                try closeParen(token)
            case .comma:
                try comma(token)
                isOperandOnTop = false
            case .question:
                try question(token)
                isOperandOnTop = false
            case .colon:
                try colon(token)
                isOperandOnTop = false
            case .and, .or, .coalesce:
                finishChain()
                try reduce(above: p == .and ? 5 : 4)
                code.append(p == .and ? .jumpIfFalsyElsePop(to: -1) : (p == .or ? .jumpIfTruthyElsePop(to: -1) : .jumpIfNotNullishElsePop(to: -1)))
                operators.append(.logical(p, column: token.column, jump: code.count - 1))
                isOperandOnTop = false
            case .plus, .minus, .star, .slash, .percent, .lt, .gt, .le, .ge, .eq, .ne, .seq, .sne:
                let (op, precedence) = ExpressionParser.binary(p)
                finishChain()
                try reduce(above: precedence)
                operators.append(.binary(op, precedence: precedence, column: token.column))
                isOperandOnTop = false
            case .semicolon:
                throw .syntax("Only a single expression is allowed; ';' is not supported", token.column)
            case .lbrace, .rbrace:
                throw .syntax("Blocks and object literals are not supported", token.column)
            case .arrow: throw .syntax("Arrow functions are not supported", token.column)
            case .plusPlus, .minusMinus:
                throw .syntax("Increment and decrement operators are not supported", token.column)
            case .starStar: throw .syntax("Exponentiation '**' is not supported", token.column)
            case .amp, .pipe, .caret, .shl, .shr, .ushr, .tilde:
                throw .syntax("Bitwise operator '\(p.rawValue)' is not supported", token.column)
            case .backtick: throw .syntax("Template literals are not supported", token.column)
            default:
                if p.isAssignment { throw .syntax("Assignment is not supported", token.column) }
                throw unexpected(token)
            }
        }
        return false
    }

    private static func binary(_ p: ExpressionPunctuator) -> (ExpressionBinaryOperator, Int) {
        switch p {
        case .star: (.multiply, 9)
        case .slash: (.divide, 9)
        case .percent: (.remainder, 9)
        case .plus: (.add, 8)
        case .minus: (.subtract, 8)
        case .lt: (.less, 7)
        case .gt: (.greater, 7)
        case .le: (.lessOrEqual, 7)
        case .ge: (.greaterOrEqual, 7)
        case .eq: (.looseEqual, 6)
        case .ne: (.looseNotEqual, 6)
        case .seq: (.strictEqual, 6)
        default: (.strictNotEqual, 6)
        }
    }

    // MARK: - Chains: member access and calls

    private mutating func member(_ name: String, _ nameToken: ExpressionToken) {
        guard var operand = operands.popLast() else { return }
        code.append(.getProperty(name, column: nameToken.column))
        if case .poison = operand.callee {
        } else {
            operand.callee = .member(name: name, column: nameToken.column, instruction: code.count - 1)
        }
        operand.path = operand.path.map { $0 + [name] }
        operand.parenthesized = false
        operand.logical = nil
        operand.literal = nil
        operand.end = nameToken.end
        operands.append(operand)
    }

    private mutating func emitOptionalJump(drop: Int) {
        code.append(.jumpIfNullish(to: -1, drop: drop))
        if !operands.isEmpty { operands[operands.count - 1].chainJumps.append(code.count - 1) }
    }

    private mutating func openBracket(_ token: ExpressionToken) throws(ExpressionError) {
        guard let object = operands.popLast() else { throw unexpected(token) }
        try open(.bracket(object: object, column: token.column, operandBase: operands.count), token)
    }

    private mutating func closeBracket(_ token: ExpressionToken) throws(ExpressionError) {
        finishChain()
        try reduceToMarker()
        guard case .bracket(var object, let column, let base) = operators.last, operands.count == base + 1,
            let key = operands.popLast()
        else { throw unexpected(token) }
        operators.removeLast()
        depth -= 1
        let keyColumn = lexer.column(at: key.start)
        if let literal = key.literal, key.literalInstruction == code.count - 1 {
            // `obj['name']` / `obj[0]`: a static key, same as `.name`.
            code.removeLast()
            let name = literal.jsString
            code.append(.getProperty(name, column: keyColumn))
            if case .poison = object.callee {
            } else {
                object.callee = .member(name: name, column: keyColumn, instruction: code.count - 1)
            }
            object.path = object.path.map { $0 + [name] }
        } else {
            consume(key)
            if let path = object.path { record(path) }
            object.path = nil
            code.append(.getPropertyComputed(column: column))
            if case .poison = object.callee {
            } else {
                object.callee = .member(name: nil, column: column, instruction: code.count - 1)
            }
        }
        object.parenthesized = false
        object.logical = nil
        object.literal = nil
        object.end = token.end
        operands.append(object)
    }

    private mutating func call(_ token: ExpressionToken, optional: Bool) throws(ExpressionError) {
        guard let callee = operands.popLast() else { throw unexpected(token) }
        var chainJumps = callee.chainJumps
        let kind: CallKind
        switch callee.callee {
        case .global(let function):
            code.removeLast()  // the placeholder pushed for the name
            kind = .global(function)
        case .member(let name, let column, let instruction) where !callee.parenthesized:
            guard let name else {
                report(.unknownFunction, "Only methods named in the source can be called, not computed ones", column)
                kind = .poison
                break
            }
            guard let method = JSMethod.allCases.first(where: { JSOperations.sameCodeUnits($0.rawValue, name) }) else {
                report(.unknownFunction, "Unknown method '\(name)'; the methods are \(ExpressionParser.methodList)", column)
                kind = .poison
                break
            }
            guard instruction == code.count - 1 else {
                report(.unknownFunction, "This call form is not supported", token.column)
                kind = .poison
                break
            }
            code[instruction] = .getMethod(method.rawValue, column: column)
            if let path = callee.path { record(Array(path.dropLast())) }
            if optional {
                code.append(.jumpIfNullish(to: -1, drop: 2))
                chainJumps.append(code.count - 1)
            }
            kind = .method(name: method.rawValue, column: column, text: lexer.text(callee.start, callee.end))
        case .poison:
            kind = .poison
        default:
            report(
                .unknownFunction,
                "Only \(ExpressionParser.functionList) and the methods \(ExpressionParser.methodList) can be called",
                token.column)
            kind = .poison
        }
        let marker = CallMarker(
            kind: kind, column: token.column, operandBase: operands.count, chainJumps: chainJumps,
            start: callee.start)
        try open(.call(marker), token)
    }

    private mutating func closeCall(_ marker: CallMarker, _ token: ExpressionToken) {
        depth -= 1
        var result = Operand(start: marker.start, end: token.end)
        result.chainJumps = marker.chainJumps
        switch marker.kind {
        case .global(let function):
            code.append(.callGlobal(function, argumentCount: marker.argumentCount))
        case .method(_, let column, let text):
            code.append(.callMethod(argumentCount: marker.argumentCount, column: column, callee: text))
        case .poison:
            code.append(.push(.undefined))
            result.callee = .poison
        }
        operands.append(result)
    }

    private mutating func closeParen(_ token: ExpressionToken) throws(ExpressionError) {
        finishChain()
        try reduceToMarker()
        switch operators.last {
        case .group(_, let start, let base) where operands.count == base + 1:
            operators.removeLast()
            depth -= 1
            operands[operands.count - 1].parenthesized = true
            operands[operands.count - 1].start = start
            operands[operands.count - 1].end = token.end
            let next = try peekToken()
            if next.isPunctuator(.arrow) { throw .syntax("Arrow functions are not supported", next.column) }
        case .call(var marker) where operands.count == marker.operandBase + 1:
            operators.removeLast()
            if let argument = operands.popLast() { consume(argument) }
            marker.argumentCount += 1
            closeCall(marker, token)
        default:
            throw unexpected(token)
        }
    }

    private mutating func comma(_ token: ExpressionToken) throws(ExpressionError) {
        finishChain()
        try reduceToMarker()
        switch operators.last {
        case .call(var marker) where operands.count == marker.operandBase + 1:
            if let argument = operands.popLast() { consume(argument) }
            marker.argumentCount += 1
            operators[operators.count - 1] = .call(marker)
        case .group, .bracket, nil:
            throw .syntax("The comma operator is not supported", token.column)
        default:
            throw unexpected(token)
        }
    }

    // MARK: - Conditional operator

    private mutating func question(_ token: ExpressionToken) throws(ExpressionError) {
        finishChain()
        try reduce(above: 3)
        guard let test = operands.popLast() else { throw unexpected(token) }
        consume(test)
        code.append(.popJumpIfFalsy(to: -1))
        try open(
            .ternaryTest(column: token.column, jump: code.count - 1, start: test.start, operandBase: operands.count),
            token)
    }

    private mutating func colon(_ token: ExpressionToken) throws(ExpressionError) {
        finishChain()
        try reduceToMarker()
        guard case .ternaryTest(_, let jump, let start, let base) = operators.last, operands.count == base + 1,
            let consequent = operands.popLast()
        else { throw unexpected(token) }
        consume(consequent)
        code.append(.jump(to: -1))
        patch(jump, to: code.count)
        operators[operators.count - 1] = .ternaryAlternate(
            column: token.column, jump: code.count - 1, start: start, operandBase: base)
    }

    // MARK: - Reduction

    /// Ends the optional chain of the operand on top: its short-circuit jumps land here.
    private mutating func finishChain() {
        guard let last = operands.indices.last, !operands[last].chainJumps.isEmpty else { return }
        for jump in operands[last].chainJumps { patch(jump, to: code.count) }
        operands[last].chainJumps = []
    }

    private mutating func patch(_ index: Int, to target: Int) {
        code[index] = code[index].withTarget(target)
    }

    /// Reduces operators binding at least as tightly as `precedence` (all are left-assoc).
    private mutating func reduce(above precedence: Int) throws(ExpressionError) {
        while let top = operators.last, let p = top.precedence, p >= precedence, p > 2 {
            try reduceTop()
        }
    }

    /// Reduces every operator down to the nearest marker (group, call, bracket, `?`).
    private mutating func reduceToMarker() throws(ExpressionError) {
        while let top = operators.last, top.precedence != nil {
            try reduceTop()
        }
    }

    private mutating func reduceTop() throws(ExpressionError) {
        guard let entry = operators.popLast() else { return }
        switch entry {
        case .prefix(let op, let column, let start):
            depth -= 1
            guard let operand = operands.popLast() else { return }
            consume(operand)
            code.append(.unary(op, column: column))
            operands.append(Operand(start: start, end: operand.end))
        case .binary(let op, _, let column):
            guard let right = operands.popLast(), let left = operands.popLast() else { return }
            consume(left)
            consume(right)
            code.append(.binary(op, column: column))
            operands.append(Operand(start: left.start, end: right.end))
        case .logical(let p, let column, let jump):
            guard let right = operands.popLast(), let left = operands.popLast() else { return }
            for side in [left, right] where !side.parenthesized {
                if let (q, qColumn) = side.logical, (p == .coalesce) != (q == .coalesce) {
                    let later = qColumn > column ? q : p
                    throw .syntax(
                        "Unexpected token '\(later.rawValue)': '??' cannot be mixed with '&&' or '||' without parentheses",
                        max(column, qColumn))
                }
            }
            consume(left)
            consume(right)
            patch(jump, to: code.count)
            var result = Operand(start: left.start, end: right.end)
            result.logical = (p, column)
            operands.append(result)
        case .ternaryAlternate(_, let jump, let start, _):
            depth -= 1
            guard let alternate = operands.popLast() else { return }
            consume(alternate)
            patch(jump, to: code.count)
            operands.append(Operand(start: start, end: alternate.end))
        case .group, .call, .bracket, .ternaryTest:
            operators.append(entry)  // markers are never reduced here
        }
    }

    // MARK: - Context paths

    /// An operand is used as a value: remember the static context path it read.
    private mutating func consume(_ operand: Operand) {
        if let path = operand.path { record(path) }
    }

    private mutating func record(_ path: [String]) {
        guard !path.isEmpty, !paths.contains(path) else { return }
        paths.append(path)
    }
}
