import FlowEngine

/// One problem found while decoding a delivery, located by a JSON pointer into the body
/// (`/entry/0/changes/0/value/messages/1/text/body: expected a string, found number 5`).
package struct WebhookDecodingIssue: Sendable, Equatable, CustomStringConvertible {
    package let pointer: JSONPointer
    package let message: String

    package init(pointer: JSONPointer, message: String) {
        self.pointer = pointer
        self.message = message
    }

    package var description: String { "\(pointer.description.isEmpty ? "/" : pointer.description): \(message)" }
}

/// A message, status or contact that could not be decoded. The rest of the delivery is
/// unaffected; the raw JSON is kept so the item can still be stored and looked at.
package struct WebhookInvalidItem: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable, Equatable {
        case message, status, contact
    }

    package let kind: Kind
    /// Where the item sits in the delivery (`/entry/0/changes/0/value/messages/1`).
    package let pointer: JSONPointer
    /// Every field problem of the item, each with its own pointer.
    package let issues: [WebhookDecodingIssue]
    package let raw: JSONValue

    package var description: String {
        "\(kind) at \(pointer): " + issues.map(\.description).joined(separator: "; ")
    }
}

/// Why a body is not a webhook delivery at all (as opposed to one bad item inside it).
package enum WebhookPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Larger than Meta's maximum delivery size; `fcb serve` answers 413.
    case tooLarge(bytes: Int, limit: Int)
    case empty
    /// Not JSON: the parser's message with the 1-based line and column.
    case syntax(message: String, line: Int, column: Int)
    /// Valid JSON, but not an object.
    case notAnObject(found: String)

    package var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            "body is \(bytes) bytes, larger than the \(limit)-byte (\(limit >> 20) MiB) limit for a webhook delivery"
        case .empty: "body is empty"
        case .syntax(let message, let line, let column): "invalid JSON at line \(line), column \(column): \(message)"
        case .notAnObject(let found): "a webhook delivery is a JSON object, found \(found)"
        }
    }
}
