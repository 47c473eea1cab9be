import Crypto
import Foundation
import Testing

@testable import FCBRealtime
@testable import FlowEngine

/// Makes an HS256 token the way the dashboard's `jsonwebtoken` does.
func makeDashboardToken(_ claims: JSONValue, secret: String) -> String {
    let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
    let body = Base64URL.encode(Array(claims.serialized().utf8))
    let mac = HMAC<SHA256>.authenticationCode(for: Array("\(header).\(body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
    return "\(header).\(body).\(Base64URL.encode(Array(mac)))"
}

/// The Socket.IO layer: namespace CONNECT with auth, rooms and the dashboard's events.
@Suite("Socket.IO: auth, rooms, events")
struct SocketIOServerTests {
    static let secret = "dash"
    static var authenticated: SocketIOSettings { SocketIOSettings(tokenVerifier: DashboardTokenVerifier(secret: secret)) }
    static let owners = FixedOwners(["c-alice": "u-alice", "c-bob": "u-bob"])

    static func token(_ user: String, expiresIn: TimeInterval = 3600) -> String {
        let now = Date().timeIntervalSince1970.rounded()
        return makeDashboardToken(["userId": .string(user), "iat": .number(now), "exp": .number(now + expiresIn)], secret: secret)
    }

    @Test("open server: CONNECT without auth is accepted and the socket id is not the Engine.IO sid")
    func openConnect() async throws {
        let h = RealtimeHarness()
        let (sid, answer) = try await h.connect()
        let socketId = try #require(try JSONParser().parse(Array(answer.utf8.dropFirst(2))).jsonValue["sid"]?.stringValue)
        #expect(answer == #"40{"sid":"\#(socketId)"}"#)
        #expect(socketId != sid)
        #expect(h.sockets.connectedCount == 1)
    }

    @Test("with JWT_SECRET, the token is accepted from auth.token, a Bearer header or ?token=")
    func tokenSources() async throws {
        let h = RealtimeHarness(sockets: Self.authenticated, owners: Self.owners)
        let token = Self.token("u-alice")
        let viaAuth = try await h.connect(auth: #"{"token":"\#(token)"}"#)
        #expect(viaAuth.answer.hasPrefix(#"40{"sid":"#))
        let viaHeader = try await h.connect(headers: ["authorization": "Bearer \(token)"])
        #expect(viaHeader.answer.hasPrefix(#"40{"sid":"#))
        let viaQuery = try await h.connect(query: "&token=\(token)")
        #expect(viaQuery.answer.hasPrefix(#"40{"sid":"#))
        #expect(h.sockets.connectedCount == 3)
    }

    @Test(
        "with JWT_SECRET, missing, forged, expired or foreign tokens get CONNECT_ERROR with the reason",
        arguments: [
            ("", #"44{"message":"Not authorized","data":{"reason":"a token is required (auth.token, Authorization: Bearer, or ?token=)"}}"#),
            (#"{"token":"nonsense"}"#, #"44{"message":"Not authorized","data":{"reason":"#),
            ("expired", #"44{"message":"Not authorized","data":{"reason":"#),
            ("forged", #"44{"message":"Not authorized","data":{"reason":"#),
        ])
    func refusedTokens(auth: String, expected: String) async throws {
        let h = RealtimeHarness(sockets: Self.authenticated, owners: Self.owners)
        let body =
            switch auth {
            case "expired": #"{"token":"\#(Self.token("u-alice", expiresIn: -3600))"}"#
            case "forged": #"{"token":"\#(makeDashboardToken(["userId": "u-alice"], secret: "other"))"}"#
            default: auth
            }
        let (sid, answer) = try await h.connect(auth: body)
        #expect(answer.hasPrefix(expected))
        #expect(answer.hasSuffix("}}"))
        #expect(h.sockets.connectedCount == 0)
        // Still not connected: an event is a protocol violation and ends the session.
        #expect(await h.send(sid, #"42["join:conversation","c-alice"]"#).text == "ok")
        #expect(h.engine.sessionCount == 0)
    }

    @Test("joins: own contact yes; another tenant's or an unknown contact get the same refusal; ack or join:error")
    func joinAuthorization() async throws {
        let h = RealtimeHarness(sockets: Self.authenticated, owners: Self.owners)
        let (sid, _) = try await h.connect(auth: #"{"token":"\#(Self.token("u-alice"))"}"#)
        _ = await h.send(
            sid,
            "421[\"join:conversation\",\"c-alice\"]\u{1E}422[\"join:conversation\",\"c-bob\"]\u{1E}423[\"join:conversation\",\"c-nobody\"]\u{1E}42[\"join:conversation\",\"c-bob\"]"
        )
        let answers = await h.poll(sid).text.split(separator: "\u{1E}").map(String.init)
        #expect(
            answers == [
                #"431[{"ok":true,"room":"conversation:c-alice"}]"#,
                #"432[{"ok":false,"error":"not allowed to join this conversation"}]"#,
                #"433[{"ok":false,"error":"not allowed to join this conversation"}]"#,
                #"42["join:error",{"error":"not allowed to join this conversation","contactId":"c-bob"}]"#,
            ])
        #expect(h.sockets.members(ofRoom: "conversation:c-alice") == 1)
        #expect(h.sockets.members(ofRoom: "conversation:c-bob") == 0)
        // Only the room's members hear its events.
        #expect(h.sockets.emit(.typingStart(contactId: "c-bob", userId: "u-bob")) == 0)
        #expect(h.sockets.emit(.typingStart(contactId: "c-alice", userId: "u-alice")) == 1)
        #expect(await h.poll(sid).text == #"42["typing:start",{"contactId":"c-alice"}]"#)
    }

    @Test("a join is refused (not crashed) when the owner cannot be looked up")
    func lookupFailure() async throws {
        let h = RealtimeHarness(sockets: Self.authenticated, owners: FixedOwners(failing: true))
        let (sid, _) = try await h.connect(auth: #"{"token":"\#(Self.token("u-alice"))"}"#)
        _ = await h.send(sid, #"421["join:conversation","c-alice"]"#)
        #expect(await h.poll(sid).text == #"431[{"ok":false,"error":"the conversation cannot be checked right now; try again"}]"#)
    }

    @Test("join and leave arguments are checked; leave stops the events; unknown events get an error ack")
    func joinLeave() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        let long = String(repeating: "x", count: 129)
        _ = await h.send(
            sid,
            "421[\"join:conversation\",\"c1\"]\u{1E}422[\"join:conversation\",42]\u{1E}423[\"join:conversation\",\"\(long)\"]\u{1E}424[\"join:conversation\"]\u{1E}425[\"whatever\",1]"
        )
        let invalid = #"{"ok":false,"error":"the argument must be a contact id (a non-empty string of at most 128 bytes)"}"#
        #expect(
            await h.poll(sid).text.split(separator: "\u{1E}").map(String.init) == [
                #"431[{"ok":true,"room":"conversation:c1"}]"#, "432[\(invalid)]", "433[\(invalid)]", "434[\(invalid)]",
                #"435[{"ok":false,"error":"unknown event \"whatever\""}]"#,
            ])
        let message = MessageRecord(
            id: "m1", waMessageId: "wamid.1", direction: "inbound", type: "text", content: "hola", status: "Received",
            createdAt: Date(timeIntervalSince1970: 1_800_000_000.123), contactId: "c1", userId: "u1")
        #expect(h.sockets.emit(.messageNew(message)) == 1)
        #expect(
            await h.poll(sid).text
                == #"42["message:new",{"message":{"id":"m1","waMessageId":"wamid.1","direction":"inbound","type":"text","content":"hola","payload":null,"status":"Received","error":null,"statusUpdatedAt":null,"createdAt":"2027-01-15T08:00:00.123Z","contactId":"c1","userId":"u1","sessionId":null},"contactId":"c1"}]"#
        )
        _ = await h.send(sid, #"426["leave:conversation","c1"]"#)
        #expect(await h.poll(sid).text == #"436[{"ok":true,"room":"conversation:c1"}]"#)
        #expect(h.sockets.emit(.messageStatus(messageId: "m1", waMessageId: "wamid.1", status: "Read", contactId: "c1", userId: "u1")) == 0)
        #expect(h.sockets.roomCount == 0)
    }

    @Test("a flood of joins: rooms are capped and too many refusals disconnect, with bounded lookups")
    func joinFlood() async throws {
        let h = RealtimeHarness(
            sockets: SocketIOSettings(tokenVerifier: DashboardTokenVerifier(secret: Self.secret), maxRoomsPerSocket: 3, maxRefusedJoins: 20),
            owners: FixedOwners(["c-alice": "u-alice"]))
        let (sid, _) = try await h.connect(auth: #"{"token":"\#(Self.token("u-alice"))"}"#)
        var body: [String] = []
        for i in 0..<500 { body.append(#"42\#(i)["join:conversation","guess-\#(i)"]"#) }
        #expect(await h.send(sid, body.joined(separator: "\u{1E}")).text == "ok")
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.roomCount == 0)
        // The refusals past the limit stopped the processing of the rest of the body.
        #expect(h.owners.lookups.withLock { $0 } == 21)

        let open = RealtimeHarness(sockets: SocketIOSettings(maxRoomsPerSocket: 3))
        let (sid2, _) = try await open.connect()
        _ = await open.send(sid2, (1...4).map { #"42\#($0)["join:conversation","c\#($0)"]"# }.joined(separator: "\u{1E}"))
        let capped = await open.poll(sid2).text
        #expect(capped.hasSuffix(#"434[{"ok":false,"error":"this socket is already in 3 rooms; leave one first"}]"#), "\(capped)")
        #expect(open.sockets.roomCount == 3)
    }

    @Test("other namespaces are refused with Invalid namespace; the default one still connects")
    func namespaces() async throws {
        let h = RealtimeHarness()
        let sid = try await h.open()
        _ = await h.send(sid, "40/admin,\u{1E}40")
        let answers = await h.poll(sid).text.split(separator: "\u{1E}").map(String.init)
        #expect(answers.first == #"44/admin,{"message":"Invalid namespace"}"#)
        #expect(answers.count == 2)
        #expect(answers.last?.hasPrefix(#"40{"sid":"#) == true)
    }

    @Test(
        "malformed Socket.IO packets, binary packets and events before CONNECT end the session",
        arguments: [
            "4", "4x", "42", #"42{"a":1}"#, "42[1]", #"451-["x",{"_placeholder":true,"num":3}]"#, "45-[\"x\"]", "47", "4/admin", #"42["connect"]"#,
            #"42["join:conversation","c1"]"#, "43", "44{}",
        ])
    func malformed(packet: String) async throws {
        let h = RealtimeHarness()
        let sid = try await h.open()
        #expect(await h.send(sid, packet).status == 200)
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.clientCount == 0)
    }

    @Test("a binary Engine.IO message ends the session (fcb accepts no attachments)")
    func binaryMessage() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        #expect(await h.send(sid, "bAQIDBA==").status == 200)
        #expect(h.engine.sessionCount == 0)
    }

    @Test("DISCONNECT leaves the namespace and its rooms; the session may CONNECT again")
    func namespaceDisconnect() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        _ = await h.send(sid, "421[\"join:conversation\",\"c1\"]\u{1E}41")
        _ = await h.poll(sid)
        #expect(h.sockets.connectedCount == 0)
        #expect(h.sockets.roomCount == 0)
        #expect(h.engine.sessionCount == 1)
        _ = await h.send(sid, "40")
        #expect(await h.poll(sid).text.hasPrefix(#"40{"sid":"#))
    }
}
