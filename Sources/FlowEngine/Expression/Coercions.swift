/// A value on the interpreter's stack: the JavaScript value plus, for arrays and objects, its
/// identity.
///
/// Every array or object an expression can see comes from the context, which is a JSON tree
/// (no literals create objects, no value is shared between two places). So the property path
/// from the context root identifies an object exactly: two references are the same object
/// (`===`) iff they were reached by the same path. This gives `context.a === context.a` true
/// and `context.a === context.b` false even when both hold equal JSON, as in JavaScript.
struct JSEvalValue {
    var value: JSValue
    var identity: [String]

    init(_ value: JSValue, identity: [String] = []) {
        self.value = value
        self.identity = identity
    }

    static let undefined = JSEvalValue(.undefined)
}

extension JSValue {
    /// ToPrimitive. The hint never matters here: JSON objects use Object.prototype's
    /// `valueOf` (returns the object) and `toString` (`"[object Object]"`), arrays join.
    /// An own `toString` (or both `valueOf` and `toString`) key shadows the prototype method
    /// with a non-callable value, so JavaScript throws — and so do we.
    func toPrimitive() throws(ExpressionError) -> JSValue {
        switch self {
        case .array(let a): return .string(try JSValue.join(a))
        case .object(let o): return .string(try JSValue.objectToString(o))
        case .function(let f): return .string(f.description)
        default: return self
        }
    }

    /// ToString.
    func toJSString() throws(ExpressionError) -> String {
        switch self {
        case .undefined: return "undefined"
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return jsNumberString(n)
        case .string(let s): return s
        case .array(let a): return try JSValue.join(a)
        case .object(let o): return try JSValue.objectToString(o)
        case .function(let f): return f.description
        }
    }

    /// ToNumber.
    func toNumber() throws(ExpressionError) -> Double {
        switch self {
        case .undefined: return .nan
        case .null: return 0
        case .bool(let b): return b ? 1 : 0
        case .number(let n): return n
        case .string(let s): return JSNumberParsing.stringToNumber(s)
        case .array, .object, .function: return try toPrimitive().toNumber()
        }
    }

    /// ToIntegerOrInfinity.
    func toIntegerOrInfinity() throws(ExpressionError) -> Double {
        let n = try toNumber()
        if n.isNaN { return 0 }
        if n.isInfinite { return n }
        let t = n.rounded(.towardZero)
        return t == 0 ? 0 : t
    }

    private static func objectToString(_ o: JSONObject) throws(ExpressionError) -> String {
        if JSOperations.ownProperty(o, "toString") != nil {
            throw .typeError("Cannot convert object to primitive value", nil)
        }
        return "[object Object]"
    }

    /// Array.prototype.join(",") as used by Array.prototype.toString, iterative so deep
    /// nesting cannot exhaust the stack.
    private static func join(_ array: [JSONValue]) throws(ExpressionError) -> String {
        var out = ""
        var stack: [(elements: [JSONValue], next: Int)] = [(array, 0)]
        while var top = stack.popLast() {
            guard top.next < top.elements.count else { continue }
            if top.next > 0 { out += "," }
            let element = top.elements[top.next]
            top.next += 1
            stack.append(top)
            switch element {
            case .null: break
            case .bool(let b): out += b ? "true" : "false"
            case .number(let n): out += jsNumberString(n)
            case .string(let s): out += s
            case .array(let inner): stack.append((inner, 0))
            case .object(let o): out += try objectToString(o)
            }
        }
        return out
    }
}

/// The abstract operations on values that the operators use.
enum JSOperations {
    private enum TypeTag { case undefined, null, bool, number, string, object }

    private static func tag(_ v: JSValue) -> TypeTag {
        switch v {
        case .undefined: .undefined
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array, .object, .function: .object
        }
    }

    /// IsStrictlyEqual (`===`). Objects compare by identity (see `JSEvalValue`).
    static func strictEquals(_ a: JSEvalValue, _ b: JSEvalValue) -> Bool {
        switch (a.value, b.value) {
        case (.undefined, .undefined), (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): JSOperations.sameCodeUnits(x, y)
        case (.array, .array), (.object, .object): a.identity == b.identity
        case (.function(let f), .function(let g)): f == g
        default: false
        }
    }

    /// SameValueZero (Array.prototype.includes): like `===` but NaN equals NaN.
    static func sameValueZero(_ a: JSEvalValue, _ b: JSEvalValue) -> Bool {
        if case .number(let x) = a.value, case .number(let y) = b.value, x.isNaN, y.isNaN { return true }
        return strictEquals(a, b)
    }

    /// IsLooselyEqual (`==`).
    static func looseEquals(_ a: JSEvalValue, _ b: JSEvalValue) throws(ExpressionError) -> Bool {
        var x = a
        var y = b
        while true {
            let tx = tag(x.value)
            let ty = tag(y.value)
            if tx == ty { return strictEquals(x, y) }
            switch (tx, ty) {
            case (.null, .undefined), (.undefined, .null):
                return true
            case (.number, .string):
                return try x.value.toNumber() == y.value.toNumber()
            case (.string, .number):
                return try x.value.toNumber() == y.value.toNumber()
            case (.bool, _):
                x = JSEvalValue(.number(try x.value.toNumber()))
            case (_, .bool):
                y = JSEvalValue(.number(try y.value.toNumber()))
            case (.object, .number), (.object, .string):
                x = JSEvalValue(try x.value.toPrimitive())
            case (.number, .object), (.string, .object):
                y = JSEvalValue(try y.value.toPrimitive())
            default:
                return false
            }
        }
    }

    /// IsLessThan: `true`, `false`, or `nil` for JavaScript's `undefined` (a NaN operand).
    /// Both operands are converted to primitives first, in source order.
    static func lessThan(_ x: JSValue, _ y: JSValue, leftFirst: Bool) throws(ExpressionError) -> Bool? {
        let px: JSValue
        let py: JSValue
        if leftFirst {
            px = try x.toPrimitive()
            py = try y.toPrimitive()
        } else {
            py = try y.toPrimitive()
            px = try x.toPrimitive()
        }
        if case .string(let sx) = px, case .string(let sy) = py {
            return JSStrings.lessThan(sx, sy)
        }
        let nx = try px.toNumber()
        let ny = try py.toNumber()
        if nx.isNaN || ny.isNaN { return nil }
        return nx < ny
    }

    /// The `+` operator.
    static func add(_ l: JSValue, _ r: JSValue) throws(ExpressionError) -> JSValue {
        let lp = try l.toPrimitive()
        let rp = try r.toPrimitive()
        if case .string = lp { return .string(try lp.toJSString() + rp.toJSString()) }
        if case .string = rp { return .string(try lp.toJSString() + rp.toJSString()) }
        return .number(try lp.toNumber() + rp.toNumber())
    }

    /// ToPropertyKey for a computed member key.
    static func propertyKey(_ v: JSValue) throws(ExpressionError) -> String {
        try v.toPrimitive().toJSString()
    }
}
