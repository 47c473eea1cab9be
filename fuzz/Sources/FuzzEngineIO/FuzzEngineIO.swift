import FuzzSupport

@testable import FCBRealtime

/// Engine.IO packet decoding (`Realtime/EngineIO/EngineIOPacket.swift`, `EngineIOPayload.swift`):
/// the bytes as a long-polling POST body (split on 0x1E, size-checked, UTF-8-checked) and as
/// one WebSocket text frame. Every decoded packet re-encodes and decodes to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let packets = try? EngineIOPayload.decode(bytes, maxPayload: 1_000_000) {
        for packet in packets {
            let encoded = packet.encoded()
            guard let again = try? EngineIOPacket(decoding: encoded) else {
                preconditionFailure("re-encoded packet does not decode: \(encoded)")
            }
            precondition(again.encoded() == encoded, "round trip changed the packet")
        }
        let body = EngineIOPayload.encode(packets)
        precondition((try? EngineIOPayload.decode(body, maxPayload: Int.max)) != nil, "re-encoded payload does not decode")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let packet = try? EngineIOPacket(decoding: text) {
        _ = packet.encoded()
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzEngineIO_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
