/// Property lookup and the built-in functions and methods, with JavaScript's argument
/// handling.
enum ExpressionBuiltins {
    /// `base[key]` (GetValue of a property reference).
    ///
    /// Own properties only: JSON objects expose their keys; arrays their indices and `length`;
    /// strings their code units and `length`; read-as-value methods their `name` and `length`.
    /// The supported methods are found on strings and arrays as in JavaScript. Every other
    /// inherited member (`constructor`, `__proto__`, `toString`, `split`, …) reads as
    /// `undefined` — deliberately nothing magic.
    static func getProperty(_ base: JSEvalValue, _ key: String) throws(ExpressionError) -> JSEvalValue {
        switch base.value {
        case .undefined, .null:
            throw .typeError("Cannot read properties of \(base.value.typeName) (reading '\(key)')", nil)
        case .string(let s):
            if JSOperations.sameCodeUnits(key, "length") { return JSEvalValue(.number(Double(s.utf16.count))) }
            if let i = JSStrings.arrayIndex(key) {
                let units = s.utf16
                guard i < units.count else { return .undefined }
                let unit = units[units.index(units.startIndex, offsetBy: i)]
                return JSEvalValue(.string(JSStrings.fromCodeUnits([unit])))
            }
            if let method = method(named: key) {
                return JSEvalValue(.function(JSFunction(prototype: .string, method: method)))
            }
            return .undefined
        case .array(let elements):
            if JSOperations.sameCodeUnits(key, "length") { return JSEvalValue(.number(Double(elements.count))) }
            if let i = JSStrings.arrayIndex(key) {
                guard i < elements.count else { return .undefined }
                return JSEvalValue(JSValue(elements[i]), identity: base.identity + [key])
            }
            if let method = method(named: key), method == .includes || method == .indexOf {
                return JSEvalValue(.function(JSFunction(prototype: .array, method: method)))
            }
            return .undefined
        case .object(let object):
            guard let value = JSOperations.ownProperty(object, key) else { return .undefined }
            return JSEvalValue(JSValue(value), identity: base.identity + [key])
        case .function(let f):
            if JSOperations.sameCodeUnits(key, "name") { return JSEvalValue(.string(f.method.rawValue)) }
            if JSOperations.sameCodeUnits(key, "length") { return JSEvalValue(.number(Double(f.method.arity))) }
            return .undefined
        case .bool, .number:
            return .undefined
        }
    }

    private static func method(named key: String) -> JSMethod? {
        JSMethod.allCases.first { JSOperations.sameCodeUnits($0.rawValue, key) }
    }

    // MARK: - Methods

    static func call(_ function: JSFunction, this: JSEvalValue, arguments: [JSEvalValue]) throws(ExpressionError) -> JSValue {
        func argument(_ i: Int) -> JSValue { i < arguments.count ? arguments[i].value : .undefined }
        switch function.prototype {
        case .string:
            if case .undefined = this.value { throw calledOnNullish(function) }
            if case .null = this.value { throw calledOnNullish(function) }
            let s = try this.value.toJSString()
            return try stringMethod(function.method, s, argument(0), argument(1))
        case .array:
            guard case .array(let elements) = this.value else {
                throw .typeError("Array.prototype.\(function.method.rawValue) called on a non-array", nil)
            }
            let search = arguments.first ?? .undefined
            return try arrayMethod(function.method, elements, identity: this.identity, search, argument(1))
        }
    }

    private static func calledOnNullish(_ function: JSFunction) -> ExpressionError {
        .typeError("String.prototype.\(function.method.rawValue) called on null or undefined", nil)
    }

    private static func clamp(_ value: Double, _ length: Int) -> Int {
        Int(min(max(value, 0), Double(length)))
    }

    private static func stringMethod(_ method: JSMethod, _ s: String, _ a0: JSValue, _ a1: JSValue) throws(ExpressionError) -> JSValue {
        switch method {
        case .toLowerCase: return .string(JSStrings.toLowerCase(s))
        case .toUpperCase: return .string(JSStrings.toUpperCase(s))
        case .trim: return .string(JSStrings.trim(s))
        case .includes, .startsWith, .endsWith, .indexOf:
            let units = Array(s.utf16)
            let search = Array(try a0.toJSString().utf16)
            let length = units.count
            switch method {
            case .includes:
                let start = clamp(try a1.toIntegerOrInfinity(), length)
                return .bool(JSStrings.indexOf(units, search, from: start) != nil)
            case .indexOf:
                let start = clamp(try a1.toIntegerOrInfinity(), length)
                return .number(Double(JSStrings.indexOf(units, search, from: start) ?? -1))
            case .startsWith:
                let start = clamp(try a1.toIntegerOrInfinity(), length)
                guard start + search.count <= length else { return .bool(false) }
                return .bool(units[start..<(start + search.count)].elementsEqual(search))
            default:  // endsWith
                let end: Int
                if case .undefined = a1 { end = length } else { end = clamp(try a1.toIntegerOrInfinity(), length) }
                let start = end - search.count
                guard start >= 0 else { return .bool(false) }
                return .bool(units[start..<end].elementsEqual(search))
            }
        }
    }

    private static func arrayMethod(
        _ method: JSMethod, _ elements: [JSONValue], identity: [String], _ search: JSEvalValue, _ fromIndex: JSValue
    ) throws(ExpressionError) -> JSValue {
        let length = elements.count
        let notFound: JSValue = method == .includes ? .bool(false) : .number(-1)
        if length == 0 { return notFound }
        let n = try fromIndex.toIntegerOrInfinity()
        if n == .infinity { return notFound }
        var k: Int
        if n >= 0 {
            guard n < Double(length) else { return notFound }
            k = Int(n)
        } else {
            k = Int(max(Double(length) + n, 0))
        }
        while k < length {
            let element = JSEvalValue(JSValue(elements[k]), identity: identity + [String(k)])
            if method == .includes {
                if JSOperations.sameValueZero(element, search) { return .bool(true) }
            } else if JSOperations.strictEquals(element, search) {
                return .number(Double(k))
            }
            k += 1
        }
        return notFound
    }

    // MARK: - Global functions

    static func call(_ function: ExpressionGlobalFunction, arguments: [JSEvalValue]) throws(ExpressionError) -> JSValue {
        let a0 = arguments.first?.value ?? .undefined
        switch function {
        case .number:
            return .number(arguments.isEmpty ? 0 : try a0.toNumber())
        case .string:
            return .string(arguments.isEmpty ? "" : try a0.toJSString())
        case .boolean:
            return .bool(a0.isTruthy)
        case .parseInt:
            let input = try a0.toJSString()
            let radix = arguments.count > 1 ? try arguments[1].value.toNumber() : .nan
            return .number(JSNumberParsing.parseInt(input, radix: JSNumberParsing.toInt32(radix)))
        case .parseFloat:
            return .number(JSNumberParsing.parseFloat(try a0.toJSString()))
        }
    }
}
