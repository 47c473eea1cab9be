import Foundation

/// An RFC 6901 JSON pointer such as `/nodes/3/data/options/1`.
package struct JSONPointer: Sendable, Hashable, CustomStringConvertible, Comparable {
    package private(set) var tokens: [String]

    package init(_ tokens: [String] = []) { self.tokens = tokens }

    package static let root = JSONPointer()

    package func appending(_ token: String) -> JSONPointer { JSONPointer(tokens + [token]) }
    package func appending(_ index: Int) -> JSONPointer { JSONPointer(tokens + [String(index)]) }
    package static func / (lhs: JSONPointer, rhs: String) -> JSONPointer { lhs.appending(rhs) }
    package static func / (lhs: JSONPointer, rhs: Int) -> JSONPointer { lhs.appending(rhs) }

    package var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    package static func < (lhs: JSONPointer, rhs: JSONPointer) -> Bool { lhs.description < rhs.description }
}

extension JSONNode {
    /// The node a pointer designates (the last member for duplicate keys), or nil.
    package func resolve(_ pointer: JSONPointer) -> JSONNode? {
        var current = self
        for token in pointer.tokens {
            switch current.kind {
            case .object:
                guard let next = current[token] else { return nil }
                current = next
            case .array(let items):
                guard let i = Int(token), i >= 0, i < items.count else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }
}
