import FuzzSupport

@testable import FlowEngine

/// The condition-expression parser and evaluator (`Sources/FlowEngine/Expression`).
/// Input layout: `expression` or `expression \0 context-JSON`. The expression is parsed with
/// the default limits and, when it parses, evaluated against the JSON context (or, when none
/// parses, a fixed context shaped like the one the executor builds), as a value and as a
/// condition. Errors are fine; crashes, hangs and leaks are not.
let defaultContext: JSONValue = {
    let text = """
        {"input":"OK, gracias","lastInput":"si","lastUserMessage":"Quiero saber el Precio",
         "lastSelectedOptionIndex":0,"lastOptionMatched":true,"lastSelectedOption":{"id":"opt-0","title":"Ventas"},
         "messageCount":4,"email":"","edad":"21","name":"Ana","order_total":150,"importe":250.5,
         "apiResult":{"status":200,"ok":true,"data":{"items":[1,2,3],"user":{"name":"Ana","tags":["vip","new"]}}},
         "zero":0,"negZeroStr":"-0","emptyStr":"","nullVal":null,"falseVal":false,"numStr":"42",
         "spaced":"  12  ","hexStr":"0x1A","px":"12px","arr":[1,"2",null,true,[3,4],{"a":1}],"emptyArr":[],
         "emoji":"😀👍🏽","big":1e308,"tiny":5e-324}
        """
    return (try? JSONValue(parsing: text)) ?? .object([:])
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let source = String(decoding: parts[0], as: UTF8.self)
    var context = defaultContext
    if parts.count > 1, let parsed = try? JSONParser(maxDepth: 64).parse(Array(parts[1])).jsonValue {
        context = parsed
    }
    let expression: Expression
    do {
        expression = try Expression.parse(source)
    } catch {
        _ = error.description
        return 0
    }
    _ = expression.contextPaths
    if let value = try? expression.evaluate(context: context) {
        _ = value.isTruthy
    }
    _ = expression.evaluateCondition(context: context)
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzExpression_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
