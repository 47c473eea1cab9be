import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import FCBTesting
@testable import FlowEngine

/// Runs one test at a time with the other loopback suites, to keep the load of many NIO servers
/// and HTTP clients off the rest of the test run.
extension LoopbackNetworkSuites {
    @Suite("Fake Graph API")
    struct FakeGraphAPITests {
        struct Answer {
            let status: Int
            let body: String
        }

        func post(_ url: String, body: String, headers: [(String, String)] = [("Authorization", "Bearer t")], method: HTTPMethod = .POST) async throws -> Answer
        {
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if method == .POST { request.body = .bytes(Array(body.utf8)) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return Answer(status: Int(response.status.code), body: String(buffer: bytes))
        }

        @Test func answersLikeMeta() async throws {
            try await FakeGraphAPI.withRunning { fake in
                let message = try await post(
                    fake.url + GraphTest.messagesPath, body: #"{"to":"+54 9 11 5555-0000","type":"text","text":{"body":"x"},"messaging_product":"whatsapp"}"#)
                #expect(message.status == 200)
                #expect(
                    message.body
                        == #"{"messaging_product":"whatsapp","contacts":[{"input":"+54 9 11 5555-0000","wa_id":"5491155550000"}],"messages":[{"id":"wamid.FAKE000001"}]}"#
                )
                let register = try await post(fake.url + GraphTest.registerPath, body: #"{"messaging_product":"whatsapp","pin":"1"}"#)
                #expect(register.status == 200)
                #expect(register.body == #"{"success":true}"#)
                let noToken = try await post(fake.url + GraphTest.messagesPath, body: "{}", headers: [])
                #expect(noToken.status == 401)
                #expect(noToken.body.contains(#""code":190"#))
                let notAMessage = try await post(fake.url + GraphTest.messagesPath, body: "{}")
                #expect(notAMessage.status == 400)
                #expect(notAMessage.body == #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"AfakeTrace2"}}"#)
                let sink = try await post(fake.url + "/webhook?x=1", body: "anything", headers: [("X-Hub-Signature-256", "sha256=00")])
                #expect(sink.status == 200)
                #expect(sink.body == #"{"success":true}"#)
                let recorded = await fake.requests(path: "/webhook")
                #expect(recorded.count == 1)
                #expect(recorded.first?.query == "x=1")
                #expect(recorded.first?.body == Array("anything".utf8))
                #expect(recorded.first?.header("x-hub-signature-256") == "sha256=00")
                #expect(recorded.first?.graph == nil)
                #expect(await fake.requestCount == 5)
                #expect(await fake.messageRequests().count == 3)
                #expect(await fake.registerRequests(phoneNumberId: GraphTest.phoneNumberId).count == 1)
            }
        }

        @Test func errorBodiesCarryMetasFields() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, with: .graphError(code: 131047))
                let answer = try await post(fake.url + GraphTest.messagesPath, body: #"{"to":"1","messaging_product":"whatsapp"}"#)
                #expect(answer.status == 400)
                #expect(
                    answer.body
                        == #"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_subcode":2494010,"fbtrace_id":"AfakeTrace1","error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}}"#
                )
            }
        }

        @Test func rulesMatchByNumberRecipientAndEdgeAndRunOut() async throws {
            try await FakeGraphAPI.withRunning { fake throws in
                await fake.failNext(2, phoneNumberId: "111", to: "+54 9 11 5555-0001", with: .status(503, body: "down"))
                let body = #"{"to":"5491155550001","messaging_product":"whatsapp"}"#
                #expect(try await post(fake.url + "/v23.0/222/messages", body: body).status == 200)  // other number
                #expect(try await post(fake.url + "/v23.0/111/messages", body: #"{"to":"5491155550002","messaging_product":"whatsapp"}"#).status == 200)
                #expect(try await post(fake.url + "/v23.0/111/register", body: body).status == 200)  // other edge
                #expect(try await post(fake.url + "/v23.0/111/messages", body: body).status == 503)
                #expect(await fake.rules().first?.times == 1)
                #expect(try await post(fake.url + "/v23.0/111/messages", body: body).status == 503)
                #expect(await fake.rules().isEmpty)
                #expect(try await post(fake.url + "/v23.0/111/messages", body: body).status == 200)
                #expect(await fake.requests().map { $0.responseStatus ?? 0 } == [200, 200, 200, 503, 503, 200])
                await fake.reset()
                #expect(await fake.requestCount == 0)
            }
        }

        @Test func controlEndpointListsAndForgets() async throws {
            try await FakeGraphAPI.withRunning { fake in
                _ = try await post(fake.url + "/hook", body: "one")
                let list = try await post(fake.url + "/__fake/requests", body: "", method: .GET)
                let parsed = try JSONValue(parsing: list.body)
                #expect(parsed.arrayValue?.count == 1)
                #expect(parsed.arrayValue?.first?["body"] == "one")
                #expect(parsed.arrayValue?.first?["status"] == 200)
                #expect(try await post(fake.url + "/__fake/requests", body: "", method: .DELETE).status == 200)
                #expect(await fake.requestCount == 0)
            }
        }

        @Test func onlyLoopback() async {
            await #expect(throws: FakeGraphError.self) { _ = try await FakeGraphAPI.start(host: "0.0.0.0") }
        }

        @Test func scripts() throws {
            let rules = try FakeGraphScript.rules(
                from: Array(
                    #"""
                    [{"phone_number_id": "106540352242922", "times": 2, "error": 130429},
                     {"edge": "messages", "status": 503, "body": "upstream unavailable", "always": true},
                     {"delay_ms": 20000, "comment": "slow"}, {"drop": true, "to": "5491155550000"},
                     {"error": 190, "http_status": 401, "subcode": 463, "message": "expired"}]
                    """#.utf8))
            #expect(
                rules == [
                    FakeGraphRule(phoneNumberId: "106540352242922", times: 2, reply: .graphError(code: 130429)),
                    FakeGraphRule(edge: .messages, times: nil, reply: .status(503, body: "upstream unavailable")),
                    FakeGraphRule(delayMilliseconds: 20000, reply: .success),
                    FakeGraphRule(recipient: "5491155550000", reply: .drop),
                    FakeGraphRule(reply: .graphError(code: 190, httpStatus: 401, subcode: 463, message: "expired")),
                ])
            #expect(try FakeGraphScript.rules(from: Array(#"{"rules":[]}"#.utf8)).isEmpty)
            let problems: [(String, String)] = [
                ("nope", "script is not valid JSON"),
                ("{}", "script must be a JSON array of rules"),
                ("[1]", "rule 1: expected an object"),
                (#"[{"tiems":1}]"#, "rule 1: unknown key \"tiems\""),
                (#"[{"edge":"webhook"}]"#, "rule 1: edge must be messages, register or other"),
                (#"[{"times":-1}]"#, "rule 1: times must be a non-negative integer"),
                (#"[{"status":99}]"#, "rule 1: status must be an HTTP status (100–599)"),
            ]
            for (text, message) in problems {
                #expect(throws: FakeGraphScript.Problem.self) { _ = try FakeGraphScript.rules(from: Array(text.utf8)) }
                do {
                    _ = try FakeGraphScript.rules(from: Array(text.utf8))
                } catch {
                    #expect(error.description.hasPrefix(message), "\(text): \(error)")
                }
            }
        }
    }
}
