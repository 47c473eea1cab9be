/// A parsed condition expression: a safe interpreter of a JavaScript expression subset with
/// JavaScript's semantics. Nothing is ever executed as code.
///
/// Language: literals (`'…'`, `"…"` with JS escapes, numbers incl. `0x`/`0o`/`0b`/legacy
/// octal, `true false null undefined NaN Infinity`); the one variable `context`; member access
/// `.a`, `?.a`, `[k]`, `?.[k]`; calls `f(…)`, `?.(…)` to `Number String Boolean parseInt
/// parseFloat` and the methods `toLowerCase toUpperCase trim includes startsWith endsWith
/// indexOf`; `! - +` (prefix), `* / %`, `+ -`, `< <= > >=`, `== != === !==`, `&&`, `||`, `??`,
/// `?:`, parentheses; comments.
///
/// Deliberate differences from JavaScript (all documented where they are implemented):
/// - Property reads see own properties and the supported methods only; other inherited
///   members (`constructor`, `__proto__`, `toString`, `split`…) read as `undefined`.
/// - Object identity (`===` on objects/arrays) is the access path from the context root —
///   exact for a context that is a JSON tree.
/// - Strings are Swift strings: a lone UTF-16 surrogate (from `'\uD800'` or indexing into an
///   emoji) becomes U+FFFD.
package struct Expression: Sendable {
    package let source: String
    /// The static `context.a.b` / `context['a']` paths read, in order of first use, without
    /// duplicates. A path stops at the first dynamic `[expr]`; a method call contributes the
    /// path of its receiver (`context.input.trim()` reads `["input"]`). Property names such as
    /// `length` are kept (`context.name.length` reads `["name", "length"]`).
    package let contextPaths: [[String]]
    let code: [ExpressionInstruction]

    /// Parses `source`, or throws the first error. Syntax errors take precedence over unknown
    /// identifiers and functions (JavaScript reports SyntaxErrors before running anything).
    package static func parse(_ source: String, limits: ExpressionLimits = .default) throws(ExpressionError) -> Expression {
        var count = 0
        for _ in source {
            count += 1
            if count > limits.maxLength {
                throw ExpressionError(
                    kind: .tooLong, message: "Expression is longer than \(limits.maxLength) characters",
                    column: limits.maxLength + 1)
            }
        }
        var parser = ExpressionParser(source: source, limits: limits)
        let result = try parser.parse()
        return Expression(source: source, contextPaths: result.contextPaths, code: result.code)
    }

    /// Evaluates against `context` (bound to the identifier `context`).
    package func evaluate(context: JSONValue, limits: ExpressionLimits = .default) throws(ExpressionError) -> JSValue {
        try ExpressionEvaluator.run(code, context: context, limits: limits)
    }

    /// JavaScript truthiness of the result; any runtime error yields `false`, as in the
    /// reference's `safeEvalBool`.
    package func evaluateCondition(context: JSONValue) -> Bool {
        (try? evaluate(context: context))?.isTruthy ?? false
    }
}

/// Parse + evaluate a condition in one call; any parse or runtime error yields `false`.
package enum ConditionEvaluator {
    package static func evaluate(_ source: String, context: JSONValue) -> Bool {
        guard let expression = try? Expression.parse(source) else { return false }
        return expression.evaluateCondition(context: context)
    }
}
