import FuzzSupport

@testable import FlowEngine

/// Flow JSON loading and validation (`Sources/FlowEngine/Flow`, `Sources/FlowEngine/Validation`): the
/// bytes of a flow file run through what `fcb validate-flow` does (strict validation with
/// positions, then the JSON, SARIF and text reports), and through what the executor does with
/// a stored definition (`FlowDefinition.sanitize(jsonText:)` then `ExecutionGraph`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let findings = FlowValidator().validate(bytes: bytes)
    let reports = [FileReport(path: "fuzz.json", findings: findings)]
    _ = JSONReport.render(reports, version: "fuzz")
    _ = SARIFReport.render(reports, version: "fuzz")
    _ = TextReport(color: false).render(reports)
    _ = ValidationSummary(reports).exitCode(strict: true, maxWarnings: 0)

    let text = String(decoding: bytes, as: UTF8.self)
    if let definition = try? FlowDefinition.sanitize(jsonText: text) {
        let graph = ExecutionGraph(definition)
        _ = graph.reachableFromTriggers()
        _ = graph.cyclesWithoutWait()
        for i in definition.nodes.indices { _ = graph.runSuccessors(of: i) }
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzFlow_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
