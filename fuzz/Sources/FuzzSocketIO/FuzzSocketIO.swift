import FuzzSupport

@testable import FCBRealtime

/// Socket.IO packet decoding (`Realtime/SocketIO/SocketIOPacketDecoding.swift`): the text of
/// an Engine.IO message, as `SocketIOServer` receives it. Errors must be one of the typed
/// `SocketIOPacketError` cases; a decoded packet re-encodes to something that decodes again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let packet = try SocketIOPacket(decoding: text)
        let encoded = packet.encoded()
        do {
            _ = try SocketIOPacket(decoding: encoded)
        } catch {
            preconditionFailure("re-encoded packet does not decode: \(error) — \(encoded)")
        }
    } catch {
        _ = error.description
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzSocketIO_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
