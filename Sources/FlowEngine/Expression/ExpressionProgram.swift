/// The compiled form of an expression: instructions for a small stack machine. The parser
/// emits them directly (no recursive tree walk anywhere), so neither parsing nor evaluation
/// can exhaust the native stack, whatever the nesting.

enum ExpressionUnaryOperator: Sendable {
    case not, negate, plus
}

enum ExpressionBinaryOperator: Sendable {
    case add, subtract, multiply, divide, remainder
    case less, greater, lessOrEqual, greaterOrEqual
    case looseEqual, looseNotEqual, strictEqual, strictNotEqual
}

/// The global functions a condition may call.
enum ExpressionGlobalFunction: String, Sendable, CaseIterable {
    case number = "Number"
    case string = "String"
    case boolean = "Boolean"
    case parseInt, parseFloat
}

enum ExpressionInstruction: Sendable {
    /// Push a literal.
    case push(JSValue)
    /// Push the `context` value.
    case loadContext
    /// Pop an object, push its property.
    case getProperty(String, column: Int)
    /// Pop a key and an object, push the property named by ToPropertyKey(key).
    case getPropertyComputed(column: Int)
    /// Pop an object, push it back (the call's `this`) and then its property.
    case getMethod(String, column: Int)
    /// Optional chaining: if the top value is null or undefined, pop `drop` values, push
    /// undefined and jump to the end of the chain.
    case jumpIfNullish(to: Int, drop: Int)
    /// Stack: this, function, arguments… → result.
    case callMethod(argumentCount: Int, column: Int, callee: String)
    /// Stack: arguments… → result.
    case callGlobal(ExpressionGlobalFunction, argumentCount: Int)
    case unary(ExpressionUnaryOperator, column: Int)
    case binary(ExpressionBinaryOperator, column: Int)
    /// `&&`: keep the value and jump if falsy, otherwise pop it and continue.
    case jumpIfFalsyElsePop(to: Int)
    /// `||`: keep the value and jump if truthy, otherwise pop it and continue.
    case jumpIfTruthyElsePop(to: Int)
    /// `??`: keep the value and jump unless null/undefined, otherwise pop it and continue.
    case jumpIfNotNullishElsePop(to: Int)
    /// `?:`: pop the test, jump if falsy.
    case popJumpIfFalsy(to: Int)
    case jump(to: Int)

    /// The same instruction with its jump target replaced (used to back-patch).
    func withTarget(_ target: Int) -> ExpressionInstruction {
        switch self {
        case .jumpIfNullish(_, let drop): .jumpIfNullish(to: target, drop: drop)
        case .jumpIfFalsyElsePop: .jumpIfFalsyElsePop(to: target)
        case .jumpIfTruthyElsePop: .jumpIfTruthyElsePop(to: target)
        case .jumpIfNotNullishElsePop: .jumpIfNotNullishElsePop(to: target)
        case .popJumpIfFalsy: .popJumpIfFalsy(to: target)
        case .jump: .jump(to: target)
        default: self
        }
    }
}
