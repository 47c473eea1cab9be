/// The methods a condition may call. String.prototype has all of them; Array.prototype has
/// `includes` and `indexOf`.
package enum JSMethod: String, Sendable, CaseIterable {
    case toLowerCase, toUpperCase, trim, includes, startsWith, endsWith, indexOf

    /// The method's `length` (number of declared parameters), as in JavaScript.
    var arity: Int {
        switch self {
        case .toLowerCase, .toUpperCase, .trim: 0
        case .includes, .startsWith, .endsWith, .indexOf: 1
        }
    }
}

/// A built-in method read as a value, e.g. `context.input.trim` without calling it.
/// Two reads of the same prototype method are the same function (`''.trim === 'x'.trim`).
package struct JSFunction: Sendable, Hashable, CustomStringConvertible {
    package enum Prototype: String, Sendable, Hashable {
        case string = "String"
        case array = "Array"
    }

    package let prototype: Prototype
    package let method: JSMethod

    package init(prototype: Prototype, method: JSMethod) {
        self.prototype = prototype
        self.method = method
    }

    /// `String(fn)` in V8.
    package var description: String { "function \(method.rawValue)() { [native code] }" }
}

/// A JavaScript value produced by evaluating an expression.
///
/// `Equatable` is JavaScript's SameValue (`Object.is`) for primitives — `NaN` equals `NaN`,
/// `0` differs from `-0`, strings compare by code units (not by Unicode canonical equivalence) —
/// and structural equality for arrays and objects. It is meant for tests and callers; the
/// interpreter's `==` / `===` are implemented separately with JavaScript's rules.
package enum JSValue: Sendable, CustomStringConvertible {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    case function(JSFunction)
}

extension JSValue {
    package init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a)
        case .object(let o): self = .object(o)
        }
    }

    /// The value as JSON, or `nil` for `undefined` and functions (which JSON cannot hold).
    package var jsonValue: JSONValue? {
        switch self {
        case .undefined, .function: nil
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): .number(n)
        case .string(let s): .string(s)
        case .array(let a): .array(a)
        case .object(let o): .object(o)
        }
    }

    /// JavaScript ToBoolean.
    package var isTruthy: Bool {
        switch self {
        case .undefined, .null: false
        case .bool(let b): b
        case .number(let n): !(n == 0 || n.isNaN)
        case .string(let s): !s.isEmpty
        case .array, .object, .function: true
        }
    }

    /// JavaScript `String(v)`. The one case where JavaScript throws — an object with an own
    /// `toString` key, which JSON cannot make callable — yields `"[object Object]"` here.
    package var jsString: String {
        (try? toJSString()) ?? "[object Object]"
    }

    package var description: String {
        switch self {
        case .undefined: "undefined"
        case .string(let s): "\"\(s)\""
        default: jsString
        }
    }

    /// `typeof`-style name, used in error messages.
    var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .function: "function"
        }
    }
}

extension JSValue: Equatable {
    package static func == (lhs: JSValue, rhs: JSValue) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): JSOperations.sameValue(a, b)
        case (.string(let a), .string(let b)): JSOperations.sameCodeUnits(a, b)
        case (.array(let a), .array(let b)): JSOperations.structurallyEqual(.array(a), .array(b))
        case (.object(let a), .object(let b)): JSOperations.structurallyEqual(.object(a), .object(b))
        case (.function(let a), .function(let b)): a == b
        default: false
        }
    }
}

extension JSOperations {
    /// `Object.is` on numbers.
    static func sameValue(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN { return b.isNaN }
        return a == b && a.sign == b.sign
    }

    /// String equality by code units (JavaScript), not by canonical equivalence (Swift's `==`).
    static func sameCodeUnits(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }

    /// Deep equality of JSON values with SameValue numbers and code-unit strings, iterative so a
    /// deeply nested document cannot exhaust the stack.
    static func structurallyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        var pending: [(JSONValue, JSONValue)] = [(a, b)]
        while let (x, y) = pending.popLast() {
            switch (x, y) {
            case (.null, .null): continue
            case (.bool(let p), .bool(let q)): if p != q { return false }
            case (.number(let p), .number(let q)): if !JSOperations.sameValue(p, q) { return false }
            case (.string(let p), .string(let q)): if !JSOperations.sameCodeUnits(p, q) { return false }
            case (.array(let p), .array(let q)):
                guard p.count == q.count else { return false }
                for i in p.indices { pending.append((p[i], q[i])) }
            case (.object(let p), .object(let q)):
                guard p.count == q.count else { return false }
                for i in p.keys.indices {
                    guard JSOperations.sameCodeUnits(p.keys[i], q.keys[i]) else { return false }
                    pending.append((p.values[i], q.values[i]))
                }
            default: return false
            }
        }
        return true
    }

    /// Own-property lookup on a JSON object that matches the key by code units; Swift's
    /// dictionary would also match a canonically equivalent spelling, which JavaScript does not.
    static func ownProperty(_ object: JSONObject, _ key: String) -> JSONValue? {
        guard let i = object.index(forKey: key), JSOperations.sameCodeUnits(object.keys[i], key) else { return nil }
        return object.values[i]
    }
}
