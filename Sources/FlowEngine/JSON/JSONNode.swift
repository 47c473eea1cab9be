/// A parsed JSON value that remembers where it came from (byte offsets into the source), so
/// validation findings can point at `file:line:col`. Convert with ``jsonValue`` for execution.
package struct JSONNode: Sendable {
    package enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        /// Members in source order; duplicate keys are all kept (the last one wins on conversion, as in `JSON.parse`).
        case object([Member])
    }

    package struct Member: Sendable {
        package let key: String
        package let keyOffset: Int
        package let value: JSONNode
    }

    /// Byte offset of the first character of the value in the source.
    package let offset: Int
    package let kind: Kind

    package init(offset: Int, kind: Kind) {
        self.offset = offset
        self.kind = kind
    }

    /// The last member named `key` (JSON.parse semantics), or nil.
    package subscript(key: String) -> JSONNode? {
        guard case .object(let members) = kind else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    package var members: [Member]? { if case .object(let m) = kind { m } else { nil } }
    package var elements: [JSONNode]? { if case .array(let a) = kind { a } else { nil } }
    package var string: String? { if case .string(let s) = kind { s } else { nil } }
    package var number: Double? { if case .number(let n) = kind { n } else { nil } }
    package var bool: Bool? { if case .bool(let b) = kind { b } else { nil } }
    package var isNull: Bool { if case .null = kind { true } else { false } }

    package var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The plain value, positions dropped. Depth is bounded by the parser's limit, so recursion is safe.
    package var jsonValue: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.jsonValue))
        case .object(let members):
            var object = JSONObject(minimumCapacity: members.count)
            for member in members { object[member.key] = member.value.jsonValue }
            return .object(object)
        }
    }
}
