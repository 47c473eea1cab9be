import Testing

@testable import FlowEngine
@testable import WhatsAppCloud

@Suite("Webhook bad input")
struct WebhookBadInputTests {
    func payloadError(_ bytes: [UInt8]) -> WebhookPayloadError? {
        do {
            _ = try WebhookDelivery(body: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncatedJSON() throws {
        let full = try WebhookExamples.bytes("text-hola.json")
        for cut in [1, 10, 100, full.count / 2, full.count - 2] {
            let error = try #require(payloadError(Array(full.prefix(cut))))
            guard case .syntax(_, let line, let column) = error else {
                Issue.record("expected a syntax error, got \(error)")
                continue
            }
            #expect(line >= 1 && column >= 1)
            #expect(error.description.hasPrefix("invalid JSON at line \(line), column \(column): "))
        }
    }

    @Test func bodiesOverThreeMiBAreRefusedBeforeParsing() {
        let limit = 3 << 20
        var body = Array(#"{"object":"whatsapp_business_account","pad":""#.utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: limit - body.count - 2)
        body += Array(#""}"#.utf8)
        #expect(body.count == limit)
        #expect(payloadError(body) == nil)
        let over = body + [0x20]
        #expect(payloadError(over) == .tooLarge(bytes: limit + 1, limit: limit))
        #expect(payloadError(over)?.description == "body is 3145729 bytes, larger than the 3145728-byte (3 MiB) limit for a webhook delivery")
        // Garbage over the limit is refused by size, without looking at it.
        #expect(payloadError([UInt8](repeating: 0xFF, count: limit + 10)) == .tooLarge(bytes: limit + 10, limit: limit))
    }

    @Test func emptyNonObjectAndNonUTF8() {
        #expect(payloadError([]) == .empty)
        #expect(payloadError(Array(" \n\t".utf8)) == .empty)
        #expect(payloadError(Array("[]".utf8)) == .notAnObject(found: "an array"))
        #expect(payloadError(Array("42".utf8)) == .notAnObject(found: "number 42"))
        #expect(payloadError(Array(#""x""#.utf8))?.description == #"a webhook delivery is a JSON object, found string "x""#)
        let error = payloadError([0x7B, 0xC3, 0x28, 0x7D])
        #expect(error?.description == "invalid JSON at line 1, column 3: input is not valid UTF-8: byte 0x28 at offset 2 cannot start or continue a character")
        let deep = Array((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8)
        #expect(payloadError(deep)?.description.contains("nesting deeper than 512 levels") == true)
    }

    @Test func unknownFieldsAndTypesNeverFail() throws {
        let body = #"""
            {"object":"whatsapp_business_account","brand_new":{"x":[1,2]},"entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"42","extra":true},"contacts":[{"wa_id":"1","future":1}],"messages":[{"from":"1","id":"wamid.A","timestamp":"1","type":"hologram","hologram":{"frames":3},"sparkle":"✨"}],"statuses":[{"id":"wamid.B","status":"teleported","timestamp":"2","whatever":[]}],"novelty":{}}},{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}
            """#
        let delivery = try WebhookDelivery(body: Array(body.utf8))
        #expect(delivery.issues.isEmpty)
        let message = try #require(delivery.messageEvents.first?.message)
        #expect(message.kind == .other("hologram"))
        #expect(message.raw["hologram"] == ["frames": 3])
        #expect(message.inboundContent.text == "[hologram]")
        let status = try #require(delivery.statusEvents.first?.status)
        #expect(status.deliveryStatus == nil)
        #expect(delivery.changes[1].field == "account_update")
        #expect(!delivery.changes[1].isMessagesField)
        #expect(delivery.changes[1].value?.raw == ["event": "VERIFIED_ACCOUNT"])
    }

    @Test func aBadItemIsReportedWhereItIsAndTheOthersSurvive() throws {
        let body = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"42"},"messages":[
            {"from":"1","id":"wamid.A","type":"text","text":{"body":5}},
            "not a message",
            {"from":"2","id":"wamid.C","type":"text","text":{"body":"ok"}},
            {"id":"wamid.D","type":"text","text":{"body":"who?"}},
            {"from":"3","type":"text","text":{"body":"no id"}}
            ],"statuses":[{"id":"wamid.E","status":7},{"id":"wamid.F","status":"read"}]}}]}]}
            """#
        let delivery = try WebhookDelivery(body: Array(body.utf8))
        #expect(delivery.messageEvents.map(\.message.id) == ["wamid.C"])
        #expect(delivery.statusEvents.map(\.status.id) == ["wamid.F"])
        let base = "/entry/0/changes/0/value"
        #expect(
            delivery.invalidItems.map(\.description) == [
                "message at \(base)/messages/1: \(base)/messages/1: expected an object, found string \"not a message\"",
                "message at \(base)/messages/0: \(base)/messages/0/text/body: expected a string, found number 5",
                "message at \(base)/messages/3: \(base)/messages/3: a message needs a sender: neither from nor from_user_id is present",
                "message at \(base)/messages/4: \(base)/messages/4/id: a message needs a non-empty id (wamid.…)",
                "status at \(base)/statuses/0: \(base)/statuses/0/status: expected a string, found number 7",
            ])
        #expect(delivery.invalidItems[1].raw["id"] == "wamid.A")
    }

    @Test func structuralProblemsAreLocated() throws {
        let cases: [(String, [String])] = [
            (#"{"object":7,"entry":[]}"#, ["/object: expected a string, found number 7"]),
            (#"{"entry":{}}"#, ["/entry: expected an array, found an object"]),
            (#"{"entry":[1,{"changes":"x"}]}"#, ["/entry/0: expected an object, found number 1", "/entry/1/changes: expected an array, found string \"x\""]),
            (#"{"entry":[{"changes":[{"field":"messages"}]}]}"#, ["/entry/0/changes/0/value: a change needs a value object"]),
            (
                #"{"entry":[{"changes":[{"field":["messages"],"value":[]}]}]}"#,
                [
                    "/entry/0/changes/0/field: expected a string, found an array", "/entry/0/changes/0/value: expected an object, found an array",
                ]
            ),
            (
                #"{"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":{}},"messages":{}}}]}]}"#,
                [
                    "/entry/0/changes/0/value/metadata/phone_number_id: expected a string, found an object",
                    "/entry/0/changes/0/value/messages: expected an array, found an object",
                ]
            ),
        ]
        for (body, expected) in cases {
            let delivery = try WebhookDelivery(body: Array(body.utf8))
            #expect(delivery.issues.map(\.description) == expected, "\(body)")
        }
    }

    /// Every field of every example, one at a time, gets a value of the wrong type. Decoding
    /// never throws; a field fcb reads is reported exactly at its pointer; every item that
    /// does not contain the damaged field still decodes.
    @Test func wrongTypeInEveryFieldOfEveryExample() throws {
        var mutations = 0
        for name in WebhookExamples.names {
            let original = try WebhookDelivery(body: WebhookExamples.bytes(name)).raw
            let itemPointers = Self.itemPointers(in: original)
            for pointer in Self.allPointers(in: original) where !pointer.tokens.isEmpty {
                guard let current = Self.value(at: pointer, in: original) else { continue }
                let damaged = Self.replacing(pointer, in: original, with: Self.wrongType(for: current))
                let delivery = try WebhookDelivery(value: damaged)
                mutations += 1
                if !Self.isKeptRawOnly(pointer) {
                    #expect(delivery.issues.contains { $0.pointer == pointer }, "\(name) \(pointer): \(delivery.issues)")
                }
                let decoded = Set(delivery.messageEvents.map(\.message.pointer) + delivery.statusEvents.map(\.status.pointer))
                for item in itemPointers where !Self.isPrefix(item, of: pointer) && !Self.isPrefix(pointer, of: item) {
                    guard item.tokens.dropLast().last != "contacts" else { continue }
                    #expect(decoded.contains(item), "\(name): damaging \(pointer) lost \(item)")
                }
            }
        }
        #expect(mutations > 600)
    }

    @Test func wrongTypesInsideMessageParts() throws {
        func issues(_ message: String) throws -> [String] {
            let body = #"{"entry":[{"changes":[{"value":{"messages":[\#(message)]}}]}]}"#
            return try WebhookDelivery(body: Array(body.utf8)).issues.map(\.description)
        }
        let m = "/entry/0/changes/0/value/messages/0"
        #expect(
            try issues(#"{"from":"1","id":"w","type":"location","location":{"latitude":"north","longitude":-58}}"#) == [
                "\(m)/location/latitude: expected a number, found string \"north\""
            ])
        #expect(try issues(#"{"from":"1","id":"w","type":"location","location":{"latitude":"-34.5","longitude":-58}}"#) == [])
        #expect(
            try issues(#"{"from":"1","id":"w","type":"order","order":{"product_items":[{"quantity":"2"},7]}}"#) == [
                "\(m)/order/product_items/1: expected an object, found number 7"
            ])
        #expect(try issues(#"{"from":"1","id":"w","errors":[{"code":1.5}]}"#) == ["\(m)/errors/0/code: expected an integer error code, found number 1.5"])
        #expect(try issues(#"{"from":1234,"id":"w","timestamp":1767225600,"type":"text","text":{"body":"x"}}"#) == [])
        #expect(try issues(#"{"from":1.5,"id":"w"}"#) == ["\(m)/from: expected a string, found number 1.5"])
        #expect(try issues(#"{"from":null,"from_user_id":"AR.1","id":"w","text":null}"#) == [])
        #expect(try issues(#"{"from":"1","id":"w","audio":{"voice":"yes"}}"#) == [#"\#(m)/audio/voice: expected true or false, found string "yes""#])
    }

    // MARK: - Helpers

    static func allPointers(in value: JSONValue, at pointer: JSONPointer = .root) -> [JSONPointer] {
        var result = [pointer]
        switch value {
        case .object(let object):
            for (key, member) in object { result += allPointers(in: member, at: pointer / key) }
        case .array(let items):
            for (index, item) in items.enumerated() { result += allPointers(in: item, at: pointer / index) }
        default: break
        }
        return result
    }

    /// Pointers of every message, status and contact.
    static func itemPointers(in value: JSONValue) -> [JSONPointer] {
        allPointers(in: value).filter { pointer in
            let tokens = pointer.tokens
            return tokens.count == 7 && tokens[4] == "value" && ["messages", "statuses", "contacts"].contains(tokens[5])
        }
    }

    static func value(at pointer: JSONPointer, in value: JSONValue) -> JSONValue? {
        var current = value
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let items):
                guard let i = Int(token), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    static func replacing(_ pointer: JSONPointer, in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let first = pointer.tokens.first else { return replacement }
        let rest = JSONPointer(Array(pointer.tokens.dropFirst()))
        switch value {
        case .object(var object):
            if let member = object[first] { object[first] = replacing(rest, in: member, with: replacement) }
            return .object(object)
        case .array(var items):
            if let i = Int(first), items.indices.contains(i) { items[i] = replacing(rest, in: items[i], with: replacement) }
            return .array(items)
        default:
            return value
        }
    }

    /// A value no reader accepts in place of `value` (numbers in strings and integral numbers
    /// for ids are accepted on purpose, so those get booleans).
    static func wrongType(for value: JSONValue) -> JSONValue {
        switch value {
        case .string, .number, .null: return true
        case .bool: return "true"
        case .array, .object: return "oops"
        }
    }

    /// Parts of a shared contact card fcb keeps only in the raw JSON.
    static func isKeptRawOnly(_ pointer: JSONPointer) -> Bool {
        let tokens = pointer.tokens
        guard tokens.count > 8, tokens[5] == "messages", tokens[7] == "contacts" else { return false }
        let rest = Array(tokens.dropFirst(9))
        if rest.first == "org" || rest.first == "emails" { return true }
        return rest.first == "name" && (rest.last == "first_name" || rest.last == "last_name")
    }

    static func isPrefix(_ prefix: JSONPointer, of pointer: JSONPointer) -> Bool {
        pointer.tokens.starts(with: prefix.tokens)
    }
}
