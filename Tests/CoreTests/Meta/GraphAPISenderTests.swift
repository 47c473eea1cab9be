import Foundation
import Testing

@testable import FCBSupport
@testable import FCBTesting
@testable import FlowEngine
@testable import WhatsAppCloud

/// Runs one test at a time with the other loopback suites, to keep the load of many NIO servers
/// and HTTP clients off the rest of the test run.
extension LoopbackNetworkSuites {
    @Suite("Graph API sender: requests")
    struct GraphAPISenderTests {
        /// Every kind of message, sent to the fake: the exact body bytes, path and headers.
        @Test func everyBodyAsSent() async throws {
            let cases: [(OutboundMessage, String)] = [
                (.text(body: "¡Hola, ñandú! 👋"), #"{"to":"5491155550000","type":"text","text":{"body":"¡Hola, ñandú! 👋"},"messaging_product":"whatsapp"}"#),
                (
                    .buttons(body: "¿Qué querés?", buttons: [.init(id: "opción 1", title: "Opción 1"), .init(id: "opt-2", title: "Ver más")]),
                    #"{"to":"5491155550000","type":"interactive","interactive":{"type":"button","body":{"text":"¿Qué querés?"},"action":{"buttons":[{"type":"reply","reply":{"id":"opción 1","title":"Opción 1"}},{"type":"reply","reply":{"id":"opt-2","title":"Ver más"}}]}},"messaging_product":"whatsapp"}"#
                ),
                (
                    .list(body: "Menú", button: "Ver opciones", sections: [.init(rows: (1...4).map { .init(id: "r\($0)", title: "Row \($0)") })]),
                    #"{"to":"5491155550000","type":"interactive","interactive":{"type":"list","body":{"text":"Menú"},"action":{"button":"Ver opciones","sections":[{"rows":[{"id":"r1","title":"Row 1"},{"id":"r2","title":"Row 2"},{"id":"r3","title":"Row 3"},{"id":"r4","title":"Row 4"}]}]}},"messaging_product":"whatsapp"}"#
                ),
                (
                    .media(.init(kind: .image, id: "MEDIA_ID", caption: "Nuestro menú")),
                    #"{"to":"5491155550000","type":"image","image":{"id":"MEDIA_ID","caption":"Nuestro menú"},"messaging_product":"whatsapp"}"#
                ),
                (
                    .media(.init(kind: .video, url: "https://cdn.example.com/v.mp4")),
                    #"{"to":"5491155550000","type":"video","video":{"link":"https://cdn.example.com/v.mp4"},"messaging_product":"whatsapp"}"#
                ),
                (
                    .media(.init(kind: .audio, id: "AUDIO", caption: "dropped")),
                    #"{"to":"5491155550000","type":"audio","audio":{"id":"AUDIO"},"messaging_product":"whatsapp"}"#
                ),
                (
                    .media(.init(kind: .document, url: "https://x/f.pdf", caption: "Tu factura", filename: "factura.pdf")),
                    #"{"to":"5491155550000","type":"document","document":{"link":"https://x/f.pdf","caption":"Tu factura","filename":"factura.pdf"},"messaging_product":"whatsapp"}"#
                ),
                (
                    .template(.init(name: "pedido_listo", language: "es_AR", components: [.init(type: "body", parameters: ["Juan"])])),
                    #"{"to":"5491155550000","type":"template","template":{"name":"pedido_listo","language":{"code":"es_AR"},"components":[{"type":"body","parameters":[{"type":"text","text":"Juan"}]}]},"messaging_product":"whatsapp"}"#
                ),
                (
                    .flow(.init(flowId: "1234567890", flowToken: "tok-1", cta: "Reservar", header: "Turnos", body: "Elegí día y hora")),
                    #"{"to":"5491155550000","type":"interactive","interactive":{"type":"flow","header":{"type":"text","text":"Turnos"},"body":{"text":"Elegí día y hora"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"1234567890","flow_cta":"Reservar","flow_token":"tok-1"}}},"messaging_product":"whatsapp"}"#
                ),
            ]
            try await FakeGraphAPI.withRunning { fake in
                let sender = GraphTest.sender(fake)
                for (index, (message, _)) in cases.enumerated() {
                    let result = await sender.send(userId: GraphTest.userId, to: "+54 9 11 5555-0000", message: message)
                    #expect(result == .success(messageId: "wamid.FAKE00000\(index + 1)"))
                }
                await sender.shutdown()
                let requests = await fake.requests(path: GraphTest.messagesPath)
                #expect(requests.map(\.bodyText) == cases.map(\.1))
                for request in requests {
                    #expect(request.method == "POST")
                    #expect(request.header("Authorization") == "Bearer \(GraphTest.token)")
                    #expect(request.header("Content-Type") == "application/json")
                    #expect(request.header("User-Agent") == "fcb/\(FCBVersion.current)")
                    #expect(request.responseStatus == 200)
                }
                #expect(await fake.requestCount == cases.count)
            }
        }

        @Test func versionAndBaseURLComeFromConfiguration() async throws {
            try await FakeGraphAPI.withRunning { fake in
                let sender = GraphAPISender(
                    configuration: GraphAPIConfiguration(baseURL: fake.url + "/", version: "v21.0"), credentials: GraphTest.credentials(),
                    clock: VirtualClock())
                #expect(await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "x")).isSuccess)
                await sender.shutdown()
                #expect(await fake.requests().map(\.path) == ["/v21.0/106540352242922/messages"])
            }
            let configuration = GraphAPIConfiguration()
            #expect(configuration.url(phoneNumberId: "123", edge: "messages") == "https://graph.facebook.com/v23.0/123/messages")
            #expect(configuration.url(phoneNumberId: "12/../34 5", edge: "register") == "https://graph.facebook.com/v23.0/12%2F..%2F34%205/register")
        }

        @Test func failuresThatNeverReachMeta() async throws {
            try await FakeGraphAPI.withRunning { fake in
                let sender = GraphTest.sender(fake)
                #expect(
                    await sender.send(userId: GraphTest.userId, to: "no digits", message: .text(body: "x"))
                        == .failure(error: "Invalid destination phone number", status: 400))
                #expect(
                    await sender.send(userId: "someone-else", to: GraphTest.contact, message: .text(body: "x"))
                        == .failure(error: "Missing Meta API credentials", status: nil))
                #expect(
                    await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .buttons(body: "", buttons: [.init(id: "a", title: "A")]))
                        == .failure(error: "Interactive message body is empty", status: 400))
                #expect(
                    await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .media(.init(kind: .image)))
                        == .failure(error: "Media message must have either an id or a url", status: 400))
                await sender.shutdown()
                let blank = GraphTest.sender(fake, credentials: GraphTest.credentials(token: "  "))
                #expect(
                    await blank.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "x"))
                        == .failure(error: "Missing Meta API credentials", status: nil))
                await blank.shutdown()
                let down = GraphTest.sender(fake, credentials: ThrowingCredentials())
                #expect(
                    await down.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "x"))
                        == .failure(error: "Could not load Meta API credentials: database is down", status: nil))
                await down.shutdown()
                #expect(await fake.requestCount == 0)
            }
        }

        @Test func errorNormalisation() async throws {
            let userMessage = #"{"error":{"message":"(#100) Invalid parameter","error_user_msg":"El número no es válido","code":100}}"#
            let cases: [(FakeGraphReply, String, Int)] = [
                (.graphError(code: 190), "Meta access token expired. Please reconnect WhatsApp in Settings.", 401),
                (.graphError(code: 100, message: "Invalid OAuth access token."), "Meta access token expired. Please reconnect WhatsApp in Settings.", 400),
                (
                    .graphError(code: 10, httpStatus: 403, message: "Error validating access token: Session has expired"),
                    "Meta access token expired. Please reconnect WhatsApp in Settings.", 403
                ),
                (.graphError(code: 10, httpStatus: 404, message: "Access token problem elsewhere"), "Access token problem elsewhere", 404),
                (.status(400, body: userMessage), "El número no es válido", 400),
                (.graphError(code: 131009), "(#131009) Parameter value is not valid", 400),
                (.graphError(code: 131030), "(#131030) Recipient phone number not in allowed list", 400),
                (.status(404, body: "<html>not here</html>"), "<html>not here</html>", 404),
                (.status(404, body: ""), "Not Found", 404),
                (.status(400, body: #"{"error":{}}"#), #"{"error":{}}"#, 400),
            ]
            try await FakeGraphAPI.withRunning { fake in
                let sender = GraphTest.sender(fake)
                for (reply, error, status) in cases {
                    await fake.failNext(1, with: reply)
                    let result = await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "x"))
                    guard case .failure(let message, let got, _) = result else {
                        Issue.record("expected a failure for \(reply)")
                        continue
                    }
                    #expect(message == error, "\(reply)")
                    #expect(got == status, "\(reply)")
                }
                await sender.shutdown()
                #expect(await fake.requestCount == cases.count)
            }
        }

        @Test func failureDetailsAreMetasBody() async throws {
            try await FakeGraphAPI.withRunning { fake in
                let sender = GraphTest.sender(fake)
                await fake.failNext(1, with: .graphError(code: 131009))
                let result = await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "x"))
                await sender.shutdown()
                let details = try JSONValue(
                    parsing: #"{"error":{"message":"(#131009) Parameter value is not valid","type":"OAuthException","code":131009,"fbtrace_id":"AfakeTrace1"}}"#
                )
                #expect(result == .failure(error: "(#131009) Parameter value is not valid", status: 400, details: details))
            }
        }
    }
}
