/// Messages worded as zod 4 words them, so findings read like the dashboard builder's toasts.
enum ZodMessage {
    static func received(_ value: JSONValue?) -> String {
        guard let value else { return "undefined" }
        if case .number(let n) = value, n.isNaN { return "NaN" }
        return value.typeName == "boolean" ? "boolean" : value.typeName
    }

    static func invalidType(expected: String, got value: JSONValue?) -> String {
        "Invalid input: expected \(expected), received \(received(value))"
    }

    static func invalidOption(_ options: [String]) -> String {
        "Invalid option: expected one of " + options.map { "\"\($0)\"" }.joined(separator: "|")
    }

    static func tooSmallString(minimum: Int) -> String {
        "Too small: expected string to have >=\(minimum) characters"
    }

    static func tooBigString(maximum: Int) -> String {
        "Too big: expected string to have <=\(maximum) characters"
    }

    static func tooSmallArray(minimum: Int) -> String { "Too small: expected array to have >=\(minimum) items" }
    static func tooBigArray(maximum: Int) -> String { "Too big: expected array to have <=\(maximum) items" }
    static func tooSmallNumber(minimum: Double) -> String { "Too small: expected number to be >=\(jsNumberString(minimum))" }
    static func tooBigNumber(maximum: Double) -> String { "Too big: expected number to be <=\(jsNumberString(maximum))" }
}
