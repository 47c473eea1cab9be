import FlowEngine
import Testing

/// Every row of Fixtures/expression-table.json: the value real JavaScript (Node) gives, as
/// checked by `node scripts/expression-table.js`.
@Suite("Expression table (JavaScript parity)")
struct ExpressionTableTests {
    @Test("the table is large and loads")
    func tableLoads() throws {
        let rows = try ExpressionTable.load()
        #expect(rows.count >= 300)
        #expect(rows.allSatisfy { !$0.expr.isEmpty || $0.error != nil })
    }

    @Test("every row evaluates to what JavaScript gives")
    func everyRowMatchesJavaScript() throws {
        let rows = try ExpressionTable.load()
        for row in rows {
            check(row)
        }
    }

    private func check(_ row: ExpressionTableRow) {
        let outcome: Result<JSValue, ExpressionError>
        do throws(ExpressionError) {
            let expression = try Expression.parse(row.expr)
            outcome = .success(try expression.evaluate(context: row.context))
        } catch {
            outcome = .failure(error)
        }

        #expect(
            ConditionEvaluator.evaluate(row.expr, context: row.context) == row.condition,
            "condition of \(row)")

        if let jsError = row.error {
            guard case .failure(let error) = outcome else {
                Issue.record("\(row): expected \(jsError), got \(outcome)")
                return
            }
            if let kind = row.kind {
                // fcb may reject earlier than JavaScript (e.g. an unknown method at parse
                // time where JS throws a TypeError when calling it): the row names the kind.
                #expect(error.kind.rawValue == kind, "\(row): \(jsError) in JS, got \(error)")
                return
            }
            let allowed: [ExpressionError.Kind] =
                switch jsError {
                case "SyntaxError": [.syntax]
                case "TypeError": [.typeError]
                case "ReferenceError": [.unknownIdentifier, .unknownFunction]
                default: []
                }
            #expect(allowed.contains(error.kind), "\(row): \(jsError) but got \(error)")
            return
        }

        guard case .success(let value) = outcome else {
            Issue.record("\(row): expected a value, got \(outcome)")
            return
        }
        if let name = row.expectedFunctionName {
            guard case .function(let f) = value else {
                Issue.record("\(row): expected function \(name), got \(value)")
                return
            }
            #expect(f.method.rawValue == name, "\(row)")
            return
        }
        guard let expected = row.expectedValue else {
            Issue.record("\(row): unreadable expected value")
            return
        }
        #expect(value == expected, "\(row)")
    }
}
