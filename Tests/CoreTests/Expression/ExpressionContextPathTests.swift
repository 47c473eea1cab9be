import FlowEngine
import Testing

@Suite("Expression context paths")
struct ExpressionContextPathTests {
    private func paths(_ source: String) throws -> [[String]] {
        try Expression.parse(source).contextPaths
    }

    @Test("static member paths")
    func staticPaths() throws {
        #expect(try paths("context.order_total > 100 && context.country === 'AR'") == [["order_total"], ["country"]])
        #expect(try paths("context.apiResult.status == 200") == [["apiResult", "status"]])
        #expect(try paths("context.apiResult && context.apiResult.ok") == [["apiResult"], ["apiResult", "ok"]])
        #expect(try paths("!context.email") == [["email"]])
        #expect(try paths("context.a?.b?.c") == [["a", "b", "c"]])
        #expect(try paths("(context.a).b") == [["a", "b"]])
        #expect(try paths("context.name?.length > 0") == [["name", "length"]])
    }

    @Test("bracket keys with literals are static")
    func literalBrackets() throws {
        #expect(try paths("context['a']['b'].c") == [["a", "b", "c"]])
        #expect(try paths("context['with space']") == [["with space"]])
        #expect(try paths("context.list[0].name") == [["list", "0", "name"]])
        #expect(try paths("context[('k')]") == [["k"]])
        #expect(try paths("context?.['a']") == [["a"]])
    }

    @Test("a dynamic key stops the path")
    func dynamicKeys() throws {
        #expect(try paths("context.a[context.k].b") == [["k"], ["a"]])
        #expect(try paths("context[context.k]") == [["k"]])
        #expect(try paths("context.list[1 + 1].name") == [["list"]])
        #expect(try paths("context.list[-1]") == [["list"]])
    }

    @Test("method calls contribute their receiver")
    func methodCalls() throws {
        #expect(try paths("context.input?.toLowerCase?.().includes('ok')") == [["input"]])
        #expect(try paths("context.lastUserMessageNormalized.includes('precio')") == [["lastUserMessageNormalized"]])
        #expect(try paths("context.x.trim().length") == [["x"]])
        #expect(try paths("'abc'.includes(context.y)") == [["y"]])
        #expect(try paths("context.tags.includes(context.tag)") == [["tags"], ["tag"]])
    }

    @Test("function arguments, operators and branches")
    func everywhere() throws {
        #expect(try paths("Number(context.edad) >= 18") == [["edad"]])
        #expect(try paths("context.a ? context.b : context.c") == [["a"], ["b"], ["c"]])
        #expect(try paths("context.a || context.a") == [["a"]])
        #expect(try paths("-context.n + +context.m") == [["n"], ["m"]])
        #expect(try paths("context.p ?? 'x'") == [["p"]])
    }

    @Test("no paths")
    func none() throws {
        #expect(try paths("1 + 1").isEmpty)
        #expect(try paths("context").isEmpty)
        #expect(try paths("!!context").isEmpty)
        #expect(try paths("String(context)").isEmpty)
    }
}
