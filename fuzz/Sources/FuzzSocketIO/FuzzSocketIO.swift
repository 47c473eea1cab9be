import FuzzSupport

@testable import FCBRealtime
@testable import FlowEngine

/// Socket.IO decoding as `SocketIOServer` does it for one connection: each text message through
/// `SocketIOPacket(decoding:)` (`Realtime/SocketIO/SocketIOPacketDecoding.swift`), then every
/// message, text or binary, through `SocketIOMessageAssembler`, which reassembles binary packets
/// from their attachments. Input: messages separated by 0x00; one starting with 0x01 is a binary
/// message (the rest its bytes). Errors must be typed; the first one ends the connection, as in
/// the server.
///
/// Invariants: a decoded packet's `encoded()` decodes again and re-encodes to the same text; a whole message
/// has exactly the attachments its header announced, its placeholders name them, and its text and
/// attachments together fit `maxPayload`; an assembler never hands out a message while it still
/// waits, and the emitted form (`engineIOPackets`) is the header followed by the attachments.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let maxPayload = 4096
    var assembler = SocketIOMessageAssembler(maxPayload: maxPayload)
    var sizes: [Int] = []
    for frame in bytes.split(separator: 0, omittingEmptySubsequences: false) {
        let whole: SocketIOMessage?
        do {
            if frame.first == 1 {
                sizes.append(frame.count - 1)
                whole = try assembler.receive(attachment: Array(frame.dropFirst()))
            } else {
                let text = String(decoding: frame, as: UTF8.self)
                let packet: SocketIOPacket
                do {
                    packet = try SocketIOPacket(decoding: text, maxAttachments: 8)
                } catch {
                    _ = error.description
                    return 0
                }
                let encoded = packet.encoded()
                do {
                    // Stable after one round, not equal: like JSON.stringify, a number too large
                    // for a double (parsed as Infinity) is written as null.
                    let again = try SocketIOPacket(decoding: encoded, maxAttachments: 8)
                    precondition(again.encoded() == encoded, "re-encoded packet encodes differently: \(encoded)")
                } catch {
                    preconditionFailure("re-encoded packet does not decode: \(error) — \(encoded)")
                }
                sizes = [text.utf8.count]
                whole = try assembler.receive(packet, textBytes: text.utf8.count)
            }
        } catch {
            _ = error.description
            return 0
        }
        guard let whole else { continue }
        precondition(!assembler.isWaiting, "a whole message handed out while still waiting")
        precondition(whole.attachments.count == whole.packet.attachments, "attachments do not match the header")
        if whole.packet.attachments > 0 {
            precondition(sizes.reduce(0, +) <= maxPayload, "a message larger than maxPayload was assembled")
            if let data = whole.packet.data {
                precondition(SocketIOAttachments.placeholdersAreValid(in: data, count: whole.attachments.count), "placeholder out of range")
            }
        }
        let packets = whole.engineIOPackets
        precondition(packets.count == 1 + whole.attachments.count, "emitted form lost an attachment")
        precondition(Array(packets.dropFirst()) == whole.attachments.map { EngineIOPacket.binary($0) }, "emitted attachments differ")
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzSocketIO_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
