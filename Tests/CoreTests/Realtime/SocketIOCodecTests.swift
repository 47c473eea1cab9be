import Testing

@testable import FCBRealtime
@testable import FlowEngine

@Suite("SocketIO codec")
struct SocketIOCodecTests {
    /// Every example from the v5 protocol document, with the packet it stands for.
    static let specExamples: [(String, SocketIOPacket)] = [
        ("0", SocketIOPacket(.connect)),
        ("0/admin,", SocketIOPacket(.connect, namespace: "/admin")),
        (#"0{"token":"123"}"#, SocketIOPacket(.connect, data: ["token": "123"])),
        (#"0/admin,{"token":"123"}"#, SocketIOPacket(.connect, namespace: "/admin", data: ["token": "123"])),
        (#"0{"sid":"oSO0OpakMV_3jnilAAAA"}"#, SocketIOPacket(.connect, data: ["sid": "oSO0OpakMV_3jnilAAAA"])),
        (
            #"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#,
            SocketIOPacket(.connect, namespace: "/admin", data: ["sid": "oSO0OpakMV_3jnilAAAA"])
        ),
        (#"4{"message":"Not authorized"}"#, SocketIOPacket(.connectError, data: ["message": "Not authorized"])),
        (
            #"4/admin,{"message":"Not authorized"}"#,
            SocketIOPacket(.connectError, namespace: "/admin", data: ["message": "Not authorized"])
        ),
        ("1/admin,", SocketIOPacket(.disconnect, namespace: "/admin")),
        ("1", SocketIOPacket(.disconnect)),
        (#"2["foo"]"#, .event("foo")),
        (#"2/admin,["bar"]"#, .event("bar", namespace: "/admin")),
        (#"212["foo"]"#, .event("foo", ackId: 12)),
        (#"21["foo"]"#, .event("foo", ackId: 1)),
        (#"312["bar"]"#, SocketIOPacket(.ack, ackId: 12, data: ["bar"])),
        (#"3/admin,13["bar"]"#, SocketIOPacket(.ack, namespace: "/admin", ackId: 13, data: ["bar"])),
        (#"2["join:conversation","c123"]"#, .event("join:conversation", ["c123"])),
        (#"2["message:new",{"id":"m1"}]"#, .event("message:new", [["id": "m1"]])),
    ]

    @Test func encodesEverySpecExampleExactly() {
        for (text, packet) in Self.specExamples {
            #expect(packet.encoded() == text)
        }
    }

    @Test func decodesEverySpecExample() throws {
        for (text, packet) in Self.specExamples {
            #expect(try SocketIOPacket(decoding: text) == packet)
        }
    }

    @Test func encodesBinaryHeadersAsTheSpecShows() {
        let event = SocketIOPacket(.binaryEvent, data: ["baz", ["_placeholder": true, "num": 0]], attachments: 1)
        #expect(event.encoded() == #"51-["baz",{"_placeholder":true,"num":0}]"#)
        let ack = SocketIOPacket(.binaryAck, namespace: "/admin", ackId: 15, data: [["_placeholder": true, "num": 0]], attachments: 1)
        #expect(ack.encoded() == #"61-/admin,15[{"_placeholder":true,"num":0}]"#)
    }

    @Test func roundTripsEventsWithAnyArguments() throws {
        let packets: [SocketIOPacket] = [
            .event("message:status", [["messageId": "m", "status": "read"], 3.5, nil, true, "€\n\"x\""], namespace: "/chat", ackId: 0),
            .event("typing:stop"),
            SocketIOPacket(.ack, ackId: SocketIOPacket.maxAckId, data: []),
            SocketIOPacket(.connectError, data: "Not authorized"),
        ]
        for packet in packets {
            #expect(try SocketIOPacket(decoding: packet.encoded()) == packet)
        }
    }

    @Test func travelsInsideEngineIOMessages() throws {
        let inner = SocketIOPacket.event("message:new", [["id": "m1", "body": "hi"]])
        let body = EngineIOPayload.encode([EngineIOPacket(.message, inner.encoded()), EngineIOPacket(.message, "2[\"x\"]")])
        #expect(body == #"42["message:new",{"id":"m1","body":"hi"}]"# + "\u{1E}" + #"42["x"]"#)
        let decoded = try EngineIOPayload.decode(body, maxPayload: 1_000).map { try SocketIOPacket(decoding: $0.text ?? "") }
        #expect(decoded == [inner, .event("x")])
    }

    @Test func malformedPacketsGetTheirOwnError() {
        let cases: [(String, SocketIOPacketError)] = [
            ("", .emptyPacket),
            (#"x["foo"]"#, .nonNumericType("x")),
            (#"/admin,0{"token":"123"}"#, .nonNumericType("/")),
            ("7", .unknownType(7)),
            ("9[]", .unknownType(9)),
            (#"5-["baz",{"_placeholder":true,"num":0}]"#, .invalidAttachmentCount),
            (#"51["baz",{"_placeholder":true,"num":0}]"#, .invalidAttachmentCount),
            (#"5x-["baz"]"#, .invalidAttachmentCount),
            ("51", .invalidAttachmentCount),
            (#"565-["baz"]"#, .tooManyAttachments(announced: 65, limit: 64)),
            (#"599999999999999999999999-["baz"]"#, .tooManyAttachments(announced: 99, limit: 64)),
            (#"51-["baz",{"_placeholder":true,"num":1}]"#, .invalidPlaceholder),
            (#"51-["baz",{"_placeholder":true,"num":-1}]"#, .invalidPlaceholder),
            (#"52-["baz",{"_placeholder":true,"num":0.5}]"#, .invalidPlaceholder),
            (#"51-["baz",{"_placeholder":true,"num":"0"}]"#, .invalidPlaceholder),
            (#"51-["baz",{"deep":[{"_placeholder":true}]}]"#, .invalidPlaceholder),
            (#"61-[{"_placeholder":true,"num":0}]"#, .invalidPayload(type: .binaryAck, reason: "")),
            (#"51-{"_placeholder":true,"num":0}"#, .invalidPayload(type: .binaryEvent, reason: "")),
            (#"29007199254740992["foo"]"#, .ackIdOverflow),
            (#"299999999999999999999999999["foo"]"#, .ackIdOverflow),
            (#"2["foo""#, .invalidJSON(JSONSyntaxError(message: "", offset: 0))),
            ("0{token}", .invalidJSON(JSONSyntaxError(message: "", offset: 0))),
            ("2" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .invalidJSON(JSONSyntaxError(message: "", offset: 0))),
            ("2[]", .invalidPayload(type: .event, reason: "")),
            ("2[1]", .invalidPayload(type: .event, reason: "")),
            (#"2{"a":1}"#, .invalidPayload(type: .event, reason: "")),
            ("2", .invalidPayload(type: .event, reason: "")),
            (#"2["disconnect"]"#, .invalidPayload(type: .event, reason: "")),
            (#"0["token"]"#, .invalidPayload(type: .connect, reason: "")),
            (#"0"token""#, .invalidPayload(type: .connect, reason: "")),
            (#"1{}"#, .invalidPayload(type: .disconnect, reason: "")),
            (#"3{}"#, .invalidPayload(type: .ack, reason: "")),
            (#"3["bar"]"#, .invalidPayload(type: .ack, reason: "")),
            ("4", .invalidPayload(type: .connectError, reason: "")),
            ("4[]", .invalidPayload(type: .connectError, reason: "")),
        ]
        for (text, expected) in cases {
            do {
                let packet = try SocketIOPacket(decoding: text)
                Issue.record("\(text) decoded as \(packet)")
            } catch {
                #expect(Self.sameCase(error, expected), "\(text): \(error)")
            }
        }
    }

    @Test func binaryErrorsSaySoPlainly() {
        #expect(
            SocketIOPacketError.tooManyAttachments(announced: 65, limit: 64).description
                == "a Socket.IO packet announced 65 attachments; at most 64 are accepted")
        #expect(SocketIOPacketError.invalidPlaceholder.description == "a binary placeholder names an attachment the packet does not have")
    }

    /// The v5 protocol document's binary examples decode to their header; the bytes follow apart.
    @Test func decodesTheSpecsBinaryExamples() throws {
        #expect(
            try SocketIOPacket(decoding: #"51-["baz",{"_placeholder":true,"num":0}]"#)
                == SocketIOPacket(.binaryEvent, data: ["baz", ["_placeholder": true, "num": 0]], attachments: 1))
        #expect(
            try SocketIOPacket(decoding: #"61-/admin,15[{"_placeholder":true,"num":0}]"#)
                == SocketIOPacket(.binaryAck, namespace: "/admin", ackId: 15, data: [["_placeholder": true, "num": 0]], attachments: 1))
        // Placeholders anywhere in the arguments, in any order.
        let nested = try SocketIOPacket(decoding: #"52-/chat,7["up",{"a":[{"_placeholder":true,"num":1}]},{"_placeholder":true,"num":0}]"#)
        #expect(nested.attachments == 2 && nested.namespace == "/chat" && nested.ackId == 7 && nested.eventName == "up")
    }

    /// socket.io-parser reads a namespace without its comma to the end of the packet.
    @Test func readsANamespaceWithoutItsComma() throws {
        #expect(try SocketIOPacket(decoding: "0/admin") == SocketIOPacket(.connect, namespace: "/admin"))
        #expect(try SocketIOPacket(decoding: "1/custom") == SocketIOPacket(.disconnect, namespace: "/custom"))
        #expect(try SocketIOPacket(decoding: "0/") == SocketIOPacket(.connect, namespace: "/"))
    }

    @Test func aMessageWithAttachmentsBecomesABinaryPacketFollowedByItsBytes() {
        let message = SocketIOMessage(
            .event("upload", [SocketIOAttachments.placeholder(0), "name", SocketIOAttachments.placeholder(1)], namespace: "/files"),
            attachments: [[1, 2], [3]])
        #expect(
            message.engineIOPackets == [
                EngineIOPacket(.message, #"52-/files,["upload",{"_placeholder":true,"num":0},"name",{"_placeholder":true,"num":1}]"#),
                .binary([1, 2]), .binary([3]),
            ])
        let ack = SocketIOMessage(SocketIOPacket(.ack, ackId: 789, data: [SocketIOAttachments.placeholder(0)]), attachments: [[9]])
        #expect(ack.engineIOPackets == [EngineIOPacket(.message, #"61-789[{"_placeholder":true,"num":0}]"#), .binary([9])])
        // Without attachments nothing changes.
        #expect(SocketIOMessage(.event("x")).engineIOPackets == [EngineIOPacket(.message, #"2["x"]"#)])
    }

    /// Compares the case and its identifying fields, not the human-readable details.
    static func sameCase(_ a: SocketIOPacketError, _ b: SocketIOPacketError) -> Bool {
        switch (a, b) {
        case (.invalidJSON, .invalidJSON): true
        case (.invalidPayload(let t1, _), .invalidPayload(let t2, _)): t1 == t2
        default: a == b
        }
    }
}
