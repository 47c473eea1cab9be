@testable import Core

/// The strict JSON parser (`Sources/Core/JSON`): any bytes either parse or throw a
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

// SwiftPM links executables with `main` aliased to `<module>_main` (testable executables);
// that symbol hands control to libFuzzer's driver instead of libFuzzer's own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzJSON_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, fuzz)
}
