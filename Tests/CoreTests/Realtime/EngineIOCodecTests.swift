import Testing

@testable import FCBRealtime
@testable import FCBSupport
@testable import FlowEngine

@Suite("EngineIO codec")
struct EngineIOCodecTests {
    @Test func encodesEveryPacketTypeAsDigitThenData() {
        #expect(EngineIOPacket(.message, "hello").encoded() == "4hello")
        #expect(EngineIOPacket(.ping, "probe").encoded() == "2probe")
        #expect(EngineIOPacket(.pong, "probe").encoded() == "3probe")
        #expect(EngineIOPacket(.ping).encoded() == "2")
        #expect(EngineIOPacket(.pong).encoded() == "3")
        #expect(EngineIOPacket(.close).encoded() == "1")
        #expect(EngineIOPacket(.upgrade).encoded() == "5")
        #expect(EngineIOPacket(.noop).encoded() == "6")
        #expect(EngineIOPacket.binary([1, 2, 3, 4]).encoded() == "bAQIDBA==")
    }

    @Test func openPacketMatchesTheSpecExample() {
        let handshake = EngineIOHandshake(sid: "lv_VI97HAXpY6yYWAAAC")
        #expect(
            handshake.packet.encoded()
                == #"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#
        )
    }

    @Test func decodesEachSpecExample() throws {
        #expect(try EngineIOPacket(decoding: "4hello") == EngineIOPacket(.message, "hello"))
        #expect(try EngineIOPacket(decoding: "2probe") == EngineIOPacket(.ping, "probe"))
        #expect(try EngineIOPacket(decoding: "3probe") == EngineIOPacket(.pong, "probe"))
        #expect(try EngineIOPacket(decoding: "5") == EngineIOPacket(.upgrade))
        #expect(try EngineIOPacket(decoding: "6") == EngineIOPacket(.noop))
        #expect(try EngineIOPacket(decoding: "bAQIDBA==") == .binary([1, 2, 3, 4]))
        let open = try EngineIOPacket(decoding: EngineIOHandshake(sid: "abc").packet.encoded())
        #expect(open.type == .open)
        #expect(try JSONValue(parsing: open.text ?? "")["sid"] == "abc")
    }

    @Test func roundTripsEveryTypeAndBinary() throws {
        for type in EngineIOPacket.PacketType.allCases {
            for text in ["", "x", "€€€", "a\u{1F600}b", "b"] {
                let packet = EngineIOPacket(type, text)
                #expect(try EngineIOPacket(decoding: packet.encoded()) == packet)
            }
        }
        for bytes in [[], [0], [255, 254, 0, 30], Array(0...255)] as [[UInt8]] {
            #expect(try EngineIOPacket(decoding: EngineIOPacket.binary(bytes).encoded()) == .binary(bytes))
        }
    }

    @Test func pollingPayloadsUseTheRecordSeparator() throws {
        let packets = [EngineIOPacket(.message, "hello"), EngineIOPacket(.ping), EngineIOPacket(.message, "€€€")]
        #expect(EngineIOPayload.encode(packets) == "4hello\u{1E}2\u{1E}4€€€")
        #expect(try EngineIOPayload.decode("4hello\u{1E}2\u{1E}4€€€", maxPayload: 1_000) == packets)
        #expect(EngineIOPayload.encode([EngineIOPacket(.message, "hello"), .binary([1, 2, 3])]) == "4hello\u{1E}bAQID")
        #expect(try EngineIOPayload.decode("4hello\u{1E}bAQID", maxPayload: 1_000) == [EngineIOPacket(.message, "hello"), .binary([1, 2, 3])])
        #expect(try EngineIOPayload.decode("6", maxPayload: 1) == [EngineIOPacket(.noop)])
    }

    @Test func carriesSocketIOPacketsInsideAPollingPayload() throws {
        let body = #"42["message:new",{"id":"m1","body":"hi"}]"# + "\u{1E}" + #"42["typing:start",{"contactId":"c1"}]"#
        let packets = try EngineIOPayload.decode(body, maxPayload: 1_000_000)
        #expect(packets.count == 2)
        let first = try SocketIOPacket(decoding: packets[0].text ?? "")
        #expect(first.eventName == "message:new")
        #expect(first.eventArguments == [["id": "m1", "body": "hi"]])
        #expect(EngineIOPayload.encode(packets) == body)
    }

    @Test func malformedPacketsGetTheirOwnError() {
        #expect(throws: EngineIOError.emptyPacket) { try EngineIOPacket(decoding: "") }
        #expect(throws: EngineIOError.unknownPacketType("7")) { try EngineIOPacket(decoding: "7") }
        #expect(throws: EngineIOError.unknownPacketType("x")) { try EngineIOPacket(decoding: "xhello") }
        #expect(throws: EngineIOError.unknownPacketType("/")) { try EngineIOPacket(decoding: "/") }
        #expect(throws: EngineIOError.unknownPacketType("٤")) { try EngineIOPacket(decoding: "٤hello") }
        #expect(throws: EngineIOError.invalidBase64) { try EngineIOPacket(decoding: "b!!!") }
        #expect(throws: EngineIOError.invalidBase64) { try EngineIOPacket(decoding: "bAQI") }
    }

    @Test func malformedPayloadsGetTheirOwnError() {
        #expect(throws: EngineIOError.payloadTooLarge(size: 6, limit: 5)) {
            try EngineIOPayload.decode("4hello", maxPayload: 5)
        }
        #expect(throws: EngineIOError.emptyPacket) { try EngineIOPayload.decode("4a\u{1E}", maxPayload: 100) }
        #expect(throws: EngineIOError.emptyPacket) { try EngineIOPayload.decode("", maxPayload: 100) }
        #expect(throws: EngineIOError.invalidUTF8(offset: 1)) { try EngineIOPayload.decode([0x34, 0xFF], maxPayload: 100) }
        #expect(throws: EngineIOError.unknownPacketType("9")) { try EngineIOPayload.decode("4a\u{1E}9", maxPayload: 100) }
    }

    @Test func randomBytesNeverCrashTheDecoders() {
        let random = SeededRandomSource(seed: 0x5EED_E10)
        // Skewed toward protocol characters so the decoders get past their first check.
        let alphabet = Array("0123456789b/,[]{}\"\u{1E}:-".utf8)
        for _ in 0..<2_000 {
            let count = random.index(below: 40)
            let bytes: [UInt8] = (0..<count).map { _ in
                random.unit() < 0.6 ? alphabet[random.index(below: alphabet.count)] : UInt8(truncatingIfNeeded: random.next())
            }
            _ = try? EngineIOPayload.decode(bytes, maxPayload: 32)
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? EngineIOPacket(decoding: text)
            _ = try? SocketIOPacket(decoding: text)
        }
    }
}
