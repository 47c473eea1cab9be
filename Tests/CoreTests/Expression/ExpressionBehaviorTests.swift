import FlowEngine
import Testing

@Suite("Expression behaviour")
struct ExpressionBehaviorTests {
    private func eval(_ source: String, _ context: JSONValue = [:]) throws -> JSValue {
        try Expression.parse(source).evaluate(context: context)
    }

    // MARK: Limits

    @Test("source longer than maxLength is tooLong")
    func tooLong() throws {
        let ok = "context.a == '" + String(repeating: "x", count: 485) + "'"
        #expect(ok.count == 500)
        #expect(try eval(ok) == .bool(false))

        let long = ok + " "
        #expect(long.count == 501)
        #expect(throws: ExpressionError(kind: .tooLong, message: "Expression is longer than 500 characters", column: 501)) {
            try Expression.parse(long)
        }
        #expect(ConditionEvaluator.evaluate(long, context: [:]) == false)
        // Characters, not UTF-16 units or bytes: 500 emoji fit.
        #expect(throws: Never.self) {
            try Expression.parse("'" + String(repeating: "👍🏽", count: 498) + "'")
        }
    }

    @Test("100,000 nested parentheses: tooDeep, no stack overflow")
    func deepParentheses() {
        let source = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(throws: ExpressionError.self) { try Expression.parse(source) }
        do throws(ExpressionError) {
            _ = try Expression.parse(source)
        } catch {
            #expect(error.kind == .tooLong)  // the default length limit is checked first
        }
        let unbounded = ExpressionLimits(maxLength: .max)
        do throws(ExpressionError) {
            _ = try Expression.parse(source, limits: unbounded)
            Issue.record("expected tooDeep")
        } catch {
            #expect(error.kind == .tooDeep)
            #expect(error.column == 65)
        }
        #expect(ConditionEvaluator.evaluate(source, context: [:]) == false)
    }

    @Test("deep prefix operators, brackets, calls and ternaries are bounded too")
    func deepOther() {
        let unbounded = ExpressionLimits(maxLength: .max)
        let cases = [
            String(repeating: "!", count: 100_000) + "1",
            String(repeating: "-", count: 100_000).map { String($0) }.joined(separator: " ") + "1",
            "context" + String(repeating: "[context", count: 50_000) + String(repeating: "]", count: 50_000),
            String(repeating: "Number(", count: 50_000) + "1" + String(repeating: ")", count: 50_000),
            String(repeating: "1 ? ", count: 50_000) + "1" + String(repeating: " : 0", count: 50_000),
        ]
        for source in cases {
            do throws(ExpressionError) {
                _ = try Expression.parse(source, limits: unbounded)
                Issue.record("expected tooDeep for \(source.prefix(20))")
            } catch {
                #expect(error.kind == .tooDeep, "\(source.prefix(20))")
            }
        }
    }

    @Test("a configured maxDepth is honoured exactly, and huge depths still do not recurse")
    func configuredDepth() throws {
        let nested = { (n: Int) in String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) }
        #expect(try Expression.parse(nested(64)).evaluate(context: [:]) == .number(1))
        #expect(throws: ExpressionError.self) { try Expression.parse(nested(65), limits: .init(maxLength: 1000)) }
        let huge = ExpressionLimits(maxLength: .max, maxDepth: .max, maxSteps: .max)
        let deep = try Expression.parse(nested(100_000), limits: huge)
        #expect(try deep.evaluate(context: [:], limits: huge) == .number(1))
        let nots = try Expression.parse(String(repeating: "!", count: 100_001) + "0", limits: huge)
        #expect(try nots.evaluate(context: [:], limits: huge) == .bool(true))
        let chain = try Expression.parse(Array(repeating: "1", count: 100_000).joined(separator: "+"), limits: huge)
        #expect(try chain.evaluate(context: [:], limits: huge) == .number(100_000))
    }

    @Test("evaluation steps are bounded")
    func steps() throws {
        let unbounded = ExpressionLimits(maxLength: .max)
        let bomb = try Expression.parse(Array(repeating: "context.a", count: 20_000).joined(separator: " + "), limits: unbounded)
        #expect(throws: ExpressionError.self) { try bomb.evaluate(context: ["a": 1]) }
        do throws(ExpressionError) {
            _ = try bomb.evaluate(context: ["a": 1])
        } catch {
            #expect(error.kind == .tooManySteps)
        }
        #expect(bomb.evaluateCondition(context: ["a": 1]) == false)
        #expect(try bomb.evaluate(context: ["a": 1], limits: .init(maxSteps: 100_000)) == .number(20_000))

        // Within the default length limit the step limit cannot be reached.
        let longest = Array(repeating: "1", count: 250).joined(separator: "+")
        #expect(try eval(longest) == .number(250))
        #expect(throws: ExpressionError.self) {
            try Expression.parse("1 + 2 + 3").evaluate(context: [:], limits: .init(maxSteps: 3))
        }
    }

    // MARK: Deliberate differences from JavaScript

    @Test("inherited members are not visible, except the supported methods")
    func noMagicProperties() throws {
        let context: JSONValue = ["name": "Ana", "list": [1], "obj": ["length": 7], "n": 5]
        for source in [
            "context.constructor", "context.__proto__", "context.toString", "context.hasOwnProperty",
            "context.valueOf", "context.name.constructor", "context.name.split", "context.list.map",
            "context.list.constructor", "context.n.toFixed", "context.name.trim.call", "context['__proto__']",
        ] {
            #expect(try eval(source, context) == .undefined, "\(source)")
        }
        #expect(try eval("context.obj.length", context) == .number(7))
        #expect(try eval("context.name.trim", context) == .function(JSFunction(prototype: .string, method: .trim)))
        #expect(try eval("context.list.includes", context) == .function(JSFunction(prototype: .array, method: .includes)))
        #expect(try eval("context.list.trim", context) == .undefined)
        #expect(try eval("context.toString === undefined", context) == .bool(true))
    }

    @Test("object identity is the path from the context root")
    func identity() throws {
        let context: JSONValue = ["a": ["x": 1], "b": ["x": 1], "l": [["x": 1], ["x": 1]]]
        #expect(try eval("context.a === context.b", context) == .bool(false))
        #expect(try eval("context.a == context.b", context) == .bool(false))
        #expect(try eval("context.a === context['a']", context) == .bool(true))
        #expect(try eval("context.l[0] === context.l['0']", context) == .bool(true))
        #expect(try eval("context.l[0] === context.l[1]", context) == .bool(false))
        #expect(try eval("context.l.indexOf(context.l[1])", context) == .number(1))
        #expect(try eval("context.l.includes(context.a)", context) == .bool(false))
        #expect(try eval("(context.x ? context.a : context.b) === context.b", context) == .bool(true))
        #expect(try eval("context === context", context) == .bool(true))
    }

    @Test("lone surrogates become U+FFFD")
    func loneSurrogates() throws {
        #expect(try eval("'\\uD83D'") == .string("\u{FFFD}"))
        #expect(try eval("'\\uD83D'.length") == .number(1))
        #expect(try eval("context.e[0]", ["e": "😀"]) == .string("\u{FFFD}"))
        #expect(try eval("'\\uD83D\\uDE00'") == .string("😀"))
    }

    // MARK: Values and API

    @Test("JSValue equality is SameValue with code-unit strings")
    func jsValueEquality() {
        #expect(JSValue.number(.nan) == .number(.nan))
        #expect(JSValue.number(0) != .number(-0.0))
        #expect(JSValue.string("\u{E9}") != .string("e\u{301}"))
        #expect(JSValue.undefined != .null)
        #expect(JSValue.array([1, ["a": "b"]]) == .array([1, ["a": "b"]]))
        #expect(JSValue.object(["a": 1, "b": 2]) != .object(["b": 2, "a": 1]))
        #expect(JSValue(JSONValue.array([1])) == .array([1]))
        #expect(JSValue(nil as JSONValue) == .null)
    }

    @Test("truthiness and String()")
    func conversions() {
        #expect(!JSValue.undefined.isTruthy)
        #expect(!JSValue.number(.nan).isTruthy)
        #expect(!JSValue.number(-0.0).isTruthy)
        #expect(!JSValue.string("").isTruthy)
        #expect(JSValue.string("0").isTruthy)
        #expect(JSValue.array([]).isTruthy)
        #expect(JSValue.object([:]).isTruthy)
        #expect(JSValue.function(JSFunction(prototype: .string, method: .trim)).isTruthy)

        #expect(JSValue.undefined.jsString == "undefined")
        #expect(JSValue.number(1e21).jsString == "1e+21")
        #expect(JSValue.number(-0.0).jsString == "0")
        #expect(JSValue.array([1, [2, [3, nil]], "x"]).jsString == "1,2,3,,x")
        #expect(JSValue.object(["a": 1]).jsString == "[object Object]")
        #expect(JSValue.object(["toString": 1]).jsString == "[object Object]")
        #expect(JSValue.function(JSFunction(prototype: .string, method: .trim)).jsString == "function trim() { [native code] }")
        #expect(JSValue.undefined.jsonValue == nil)
        #expect(JSValue.number(2).jsonValue == .number(2))
    }

    @Test("deeply nested context values do not exhaust the stack")
    func deepContext() throws {
        var value: JSONValue = "leaf"
        for _ in 0..<1000 { value = .array([value]) }
        let context: JSONValue = ["deep": value, "copy": value]
        #expect(try eval("String(context.deep)", context) == .string("leaf"))
        #expect(try eval("context.deep == 'leaf'", context) == .bool(true))
        #expect(JSValue(value) == JSValue(value))
    }

    @Test("the reference's default and placeholder conditions")
    func referenceConditions() {
        let expression = "context.input?.toLowerCase?.().includes('ok')"
        #expect(ConditionEvaluator.evaluate(expression, context: ["input": "Ok!"]))
        #expect(!ConditionEvaluator.evaluate(expression, context: ["input": "no"]))
        #expect(!ConditionEvaluator.evaluate(expression, context: [:]))
        #expect(!ConditionEvaluator.evaluate(expression, context: ["input": 5]))
        let placeholder = "context.order_total > 100 && context.country === 'AR'"
        #expect(ConditionEvaluator.evaluate(placeholder, context: ["order_total": "150", "country": "AR"]))
        #expect(!ConditionEvaluator.evaluate(placeholder, context: ["order_total": 150, "country": "BR"]))
        // Names the reference's substring blacklist rejected.
        #expect(ConditionEvaluator.evaluate("context.importe > 0", context: ["importe": 10]))
        #expect(ConditionEvaluator.evaluate("context.processed", context: ["processed": true]))
        #expect(ConditionEvaluator.evaluate("context.windowOpen && context.globalOk", context: ["windowOpen": 1, "globalOk": 1]))
    }

    @Test("an Expression keeps its source and can be reused")
    func reuse() throws {
        let expression = try Expression.parse("context.n > 1")
        #expect(expression.source == "context.n > 1")
        #expect(expression.evaluateCondition(context: ["n": 2]))
        #expect(!expression.evaluateCondition(context: ["n": 1]))
        #expect(ExpressionLimits.default == ExpressionLimits(maxLength: 500, maxDepth: 64, maxSteps: 10_000))
    }

    @Test("errors describe themselves")
    func errorDescription() {
        let error = ExpressionError(kind: .syntax, message: "Unexpected token ';'", column: 3)
        #expect(error.description == "syntax error at column 3: Unexpected token ';'")
        #expect(ExpressionError(kind: .tooManySteps, message: "x", column: nil).description == "tooManySteps error: x")
    }
}
