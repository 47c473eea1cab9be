import FuzzSupport

@testable import FlowEngine

/// The strict JSON parser (`Sources/FlowEngine/JSON`): any bytes either parse or throw a
/// `JSONSyntaxError` whose offset lies inside the input. A parsed document serialises to JSON
/// that parses again and serialises to the same text (idempotent round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let value: JSONValue
    do {
        value = try JSONParser().parse(bytes).jsonValue
    } catch {
        precondition(error.offset >= 0 && error.offset <= bytes.count, "error offset \(error.offset) outside 0...\(bytes.count)")
        _ = SourceText(bytes: bytes).location(ofOffset: error.offset)
        return 0
    }
    let once = value.serialized()
    let again: JSONValue
    do {
        again = try JSONParser().parse(Array(once.utf8)).jsonValue
    } catch {
        preconditionFailure("serialized output does not parse: \(error.message) in \(once)")
    }
    precondition(again.serialized() == once, "serialisation is not idempotent")
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzJSON_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
