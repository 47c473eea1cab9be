/// Resource bounds for parsing and evaluating a condition expression.
package struct ExpressionLimits: Sendable, Equatable {
    /// Longest accepted source, in Characters.
    package var maxLength = 500
    /// Deepest accepted nesting: open parentheses, brackets, call argument lists, `?:`
    /// branches and prefix operators (`!`, `-`, `+`) that are open at the same time.
    package var maxDepth = 64
    /// Most bytecode instructions one evaluation may execute.
    package var maxSteps = 10_000

    package static let `default` = ExpressionLimits()

    package init(maxLength: Int = 500, maxDepth: Int = 64, maxSteps: Int = 10_000) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
        self.maxSteps = maxSteps
    }
}

/// Why an expression could not be parsed or evaluated.
///
/// Parse-time kinds: `syntax`, `unknownFunction`, `unknownIdentifier`, `tooLong`, `tooDeep`.
/// Run-time kinds: `typeError` (what JavaScript would throw as a TypeError) and `tooManySteps`.
package struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case syntax, unknownFunction, unknownIdentifier, tooLong, tooDeep, tooManySteps, typeError
    }

    package let kind: Kind
    package let message: String
    /// 1-based column in the source, counted in Characters. Always set for parse-time errors;
    /// run-time type errors carry the column of the operation that failed.
    package let column: Int?

    package init(kind: Kind, message: String, column: Int?) {
        self.kind = kind
        self.message = message
        self.column = column
    }

    package var description: String {
        if let column { return "\(kind.rawValue) error at column \(column): \(message)" }
        return "\(kind.rawValue) error: \(message)"
    }

    static func syntax(_ message: String, _ column: Int) -> ExpressionError {
        ExpressionError(kind: .syntax, message: message, column: column)
    }

    static func typeError(_ message: String, _ column: Int?) -> ExpressionError {
        ExpressionError(kind: .typeError, message: message, column: column)
    }
}
