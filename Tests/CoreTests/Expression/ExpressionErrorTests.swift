import FlowEngine
import Testing

@Suite("Expression errors")
struct ExpressionErrorTests {
    struct Case: CustomStringConvertible, Sendable {
        let source: String
        let kind: ExpressionError.Kind
        let column: Int
        var description: String { source }
        init(_ source: String, _ kind: ExpressionError.Kind, _ column: Int) {
            self.source = source
            self.kind = kind
            self.column = column
        }
    }

    static let parseErrors: [Case] = [
        // Globals and names that are not there.
        Case("Math.max(1)", .unknownIdentifier, 1),
        Case("process.exit()", .unknownIdentifier, 1),
        Case("window", .unknownIdentifier, 1),
        Case("globalThis.x", .unknownIdentifier, 1),
        Case("context.a > x", .unknownIdentifier, 13),
        Case("Number", .unknownIdentifier, 1),
        Case("Number.isNaN(context.a)", .unknownFunction, 1),
        Case("String.fromCharCode(65)", .unknownFunction, 1),
        Case("eval('1')", .unknownFunction, 1),
        Case("require('fs')", .unknownFunction, 1),
        Case("context.a && fetch(context.url)", .unknownFunction, 14),
        Case("context()", .unknownFunction, 8),
        // Methods outside the allowed set.
        Case("context.constructor.constructor('x')()", .unknownFunction, 21),
        Case("context.name.split(',')", .unknownFunction, 14),
        Case("context.name.replace('a', 'b')", .unknownFunction, 14),
        Case("context.name['split'](',')", .unknownFunction, 14),
        Case("context.name[context.m]()", .unknownFunction, 13),
        Case("(context.name.trim)()", .unknownFunction, 20),
        Case("context.name.trim()()", .unknownFunction, 20),
        Case("context.list.map(1)", .unknownFunction, 14),
        Case("context.a?.toString()", .unknownFunction, 12),
        // Statements, assignment and other syntax.
        Case("context.a = 1", .syntax, 11),
        Case("context.a == 1 = 2", .syntax, 16),
        Case("context.a += 1", .syntax, 11),
        Case("context.a ??= 1", .syntax, 11),
        Case("context.a++", .syntax, 10),
        Case("--context.a", .syntax, 1),
        Case("a;b", .syntax, 2),
        Case("context.a;context.b", .syntax, 10),
        Case("{}", .syntax, 1),
        Case("context.a && {}", .syntax, 14),
        Case("x => x", .syntax, 3),
        Case("() => 1", .syntax, 4),
        Case("(a) => a", .syntax, 5),
        Case("new Date()", .syntax, 1),
        Case("typeof context.a", .syntax, 1),
        Case("delete context.a", .syntax, 1),
        Case("void 0", .syntax, 1),
        Case("'a' in context", .syntax, 5),
        Case("context instanceof Object", .syntax, 9),
        Case("this.a", .syntax, 1),
        Case("function f() {}", .syntax, 1),
        Case("class A {}", .syntax, 1),
        Case("import('fs')", .syntax, 1),
        Case("`hi ${context.a}`", .syntax, 1),
        Case("context.a`x`", .syntax, 10),
        Case("/ab+c/.test(context.a)", .syntax, 1),
        Case("context.a, context.b", .syntax, 10),
        Case("(context.a, context.b)", .syntax, 11),
        Case("[1, 2].includes(1)", .syntax, 1),
        Case("...context", .syntax, 1),
        Case("1 ** 2", .syntax, 3),
        Case("1 & 2", .syntax, 3),
        Case("1 | 2", .syntax, 3),
        Case("1 << 2", .syntax, 3),
        Case("~1", .syntax, 1),
        Case("context.a ?? context.b || context.c", .syntax, 24),
        Case("context.a || context.b ?? context.c", .syntax, 24),
        Case("context.a ?? (context.b || context.c) ?? context.d || 1", .syntax, 52),
        Case("context.#x", .syntax, 9),
        Case("context.", .syntax, 9),
        Case("context.a ?", .syntax, 12),
        Case("(context.a", .syntax, 11),
        Case("context.a)", .syntax, 10),
        Case("context[]", .syntax, 9),
        Case("context.a :", .syntax, 11),
        Case("", .syntax, 1),
        Case("   ", .syntax, 4),
        Case("1 2", .syntax, 3),
        Case("'unterminated", .syntax, 1),
        Case("'bad \\x4'", .syntax, 6),
        Case("5.toString()", .syntax, 1),
        Case("10n", .syntax, 1),
        Case("1__0", .syntax, 2),
        Case("context.a // trailing comment", .syntax, 11),
        Case("/* never closed", .syntax, 1),
        Case("tru\\u0065", .syntax, 1),
        Case("context.a § 1", .syntax, 11),
        // A syntax error anywhere beats an earlier unknown name (JS parses before it runs).
        Case("foo + (", .syntax, 8),
        // Columns count Characters, not scalars or UTF-16 units.
        Case("'n\u{303}' + x", .unknownIdentifier, 7),
        Case("'👍🏽' + x", .unknownIdentifier, 7),
        Case("'ñandú' = 1", .syntax, 9),
    ]

    @Test("parse errors have the right kind and column", arguments: parseErrors)
    func parseError(_ c: Case) {
        #expect(throws: ExpressionError.self) { try Expression.parse(c.source) }
        do throws(ExpressionError) {
            _ = try Expression.parse(c.source)
        } catch {
            #expect(error.kind == c.kind, "\(error)")
            #expect(error.column == c.column, "\(error)")
            #expect(!error.message.isEmpty)
        }
        #expect(ConditionEvaluator.evaluate(c.source, context: ["a": 1, "name": "x"]) == false)
    }

    @Test("messages name what is wrong")
    func messages() {
        func message(_ source: String) -> String {
            do throws(ExpressionError) {
                _ = try Expression.parse(source)
                return ""
            } catch {
                return error.message
            }
        }
        #expect(message("context.a.split(',')").contains("'split'"))
        #expect(message("eval('1')").contains("'eval'"))
        #expect(message("Math.max(1)").contains("'Math'"))
        #expect(message("new Date()").contains("'new' is not supported"))
        #expect(message("typeof context.a").contains("'typeof' is not supported"))
        #expect(message("context.a = 1").contains("Assignment"))
        #expect(message("x => x").contains("Arrow"))
    }

    static let runtimeErrors: [String] = [
        "(5).toLowerCase()",
        "undefined.trim()",
        "null.length",
        "context.missing.deep",
        "context.missing.trim()",
        "context.count.trim()",
        "context.name.length.trim()",
        "context.obj.trim()",
        "context.list.trim()",
        "context.obj.a?.b.c",
        "(context.missing?.a).b",
        "context.withToString + ''",
        "context.withToString == 'x'",
        "String(context.withToString)",
        "context.list == 'x'",
        "context.obj[context.withToString]",
        "context.name.includes(context.withToString)",
    ]

    @Test("runtime errors are TypeErrors and conditions are false", arguments: runtimeErrors)
    func runtimeError(_ source: String) throws {
        let context: JSONValue = [
            "name": "Ana", "count": 5, "obj": ["a": ["x": 1]], "list": [["toString": 1]],
            "withToString": ["toString": "nope"],
        ]
        let expression = try Expression.parse(source)
        #expect(throws: ExpressionError.self) { try expression.evaluate(context: context) }
        do throws(ExpressionError) {
            _ = try expression.evaluate(context: context)
        } catch {
            #expect(error.kind == .typeError, "\(error)")
        }
        #expect(expression.evaluateCondition(context: context) == false)
        #expect(ConditionEvaluator.evaluate(source, context: context) == false)
    }

    @Test("runtime messages follow V8")
    func runtimeMessages() throws {
        func message(_ source: String, _ context: JSONValue = [:]) throws -> String? {
            do throws(ExpressionError) {
                _ = try Expression.parse(source).evaluate(context: context)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(try message("context.a.b") == "Cannot read properties of undefined (reading 'b')")
        #expect(try message("context.a.b", ["a": nil]) == "Cannot read properties of null (reading 'b')")
        #expect(try message("context.n.trim()", ["n": 5]) == "context.n.trim is not a function")
    }

    @Test("a context that is not an object")
    func nonObjectContext() throws {
        #expect(throws: ExpressionError.self) { try Expression.parse("context.a").evaluate(context: nil) }
        #expect(try Expression.parse("context?.a").evaluate(context: nil) == .undefined)
        #expect(try Expression.parse("context.length").evaluate(context: "abc") == .number(3))
        #expect(try Expression.parse("context[1]").evaluate(context: [1, 2]) == .number(2))
    }
}
