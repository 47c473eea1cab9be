import Foundation
import Synchronization
import Testing

@testable import FCBSupport
@testable import FCBTesting
@testable import WhatsAppCloud

/// Runs one test at a time with the other loopback suites, to keep the load of many NIO servers
/// and HTTP clients off the rest of the test run.
extension LoopbackNetworkSuites {
    @Suite("Webhook replay, rewrite and synthesis")
    struct WebhookReplayTests {
        static let secret = "demo-secret"

        func payloads() throws -> [WebhookReplayer.Payload] {
            try ["text-hola.json", "image.json", "status-read.json"].map { .init(name: $0, bytes: try WebhookExamples.bytes($0)) }
        }

        @Test func planRepeatsTheSetAndShufflesReproducibly() throws {
            let payloads = try payloads()
            let plain = WebhookReplayer.plan(payloads, repeat: 2, shuffle: nil)
            #expect(plain.map(\.payload.name) == ["text-hola.json", "image.json", "status-read.json", "text-hola.json", "image.json", "status-read.json"])
            #expect(plain.map(\.round) == [1, 1, 1, 2, 2, 2])
            #expect(plain.map(\.index) == [1, 2, 3, 4, 5, 6])
            let a = WebhookReplayer.plan(payloads, repeat: 3, shuffle: SeededRandomSource(seed: 7))
            let b = WebhookReplayer.plan(payloads, repeat: 3, shuffle: SeededRandomSource(seed: 7))
            let c = WebhookReplayer.plan(payloads, repeat: 3, shuffle: SeededRandomSource(seed: 8))
            #expect(a == b)
            #expect(a.map(\.payload.name) != c.map(\.payload.name))
            #expect(a.map(\.index) == Array(1...9))
            #expect(
                a.map { "\($0.payload.name)#\($0.round)" }.sorted()
                    == WebhookReplayer.plan(payloads, repeat: 3, shuffle: nil).map { "\($0.payload.name)#\($0.round)" }.sorted())
        }

        @Test func seededShuffleIsAPermutation() {
            let random = SeededRandomSource(seed: 1)
            let shuffled = random.shuffled(Array(0..<100))
            #expect(shuffled.sorted() == Array(0..<100))
            #expect(shuffled != Array(0..<100))
            #expect(SeededRandomSource(seed: 1).next() == SeededRandomSource(seed: 1).next())
            for _ in 0..<1000 {
                let u = random.unit()
                #expect(u >= 0 && u < 1)
            }
        }

        @Test func deliversTheExactBytesSigned() async throws {
            try await FakeGraphAPI.withRunning { fake in
                let plan = WebhookReplayer.plan(try payloads(), repeat: 2, shuffle: SeededRandomSource(seed: 3))
                let replayer = WebhookReplayer(options: .init(url: fake.url + "/webhook", secret: Self.secret, concurrency: 1))
                let reported = Mutex<[Int]>([])
                let outcomes = await replayer.run(plan) { outcome in reported.withLock { $0.append(outcome.delivery.index) } }
                await replayer.shutdown()
                #expect(outcomes.count == 6)
                #expect(outcomes.allSatisfy { $0.succeeded && $0.status == 200 && $0.body == #"{"success":true}"# })
                #expect(reported.withLock { $0 } == [1, 2, 3, 4, 5, 6])
                let received = await fake.requests(path: "/webhook")
                #expect(received.map(\.body) == plan.map(\.payload.bytes))
                for request in received {
                    #expect(request.method == "POST")
                    #expect(request.header("Content-Type") == "application/json")
                    let header = try #require(request.header("X-Hub-Signature-256"))
                    #expect(WebhookSignature.verify(body: request.body, secret: Self.secret, header: header) == .valid(candidate: 0))
                    #expect(request.inFlight == 0)
                }
            }
        }

        @Test func concurrencyIsBounded() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.add(FakeGraphRule(edge: .other, times: nil, delayMilliseconds: 20, reply: .success))
                let plan = WebhookReplayer.plan(try payloads(), repeat: 5, shuffle: nil)
                let replayer = WebhookReplayer(options: .init(url: fake.url + "/webhook", secret: Self.secret, concurrency: 3))
                let outcomes = await replayer.run(plan) { _ in }
                await replayer.shutdown()
                #expect(outcomes.map(\.delivery.index) == Array(1...15))
                #expect(outcomes.allSatisfy { $0.succeeded })
                #expect(await fake.requests().allSatisfy { $0.inFlight <= 2 })
            }
        }

        @Test func failuresAreReported() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, edge: .other, with: .status(401, body: #"{"error":"Invalid signature"}"#))
                await fake.failNext(1, edge: .other, with: .drop)
                let plan = WebhookReplayer.plan(try payloads(), repeat: 1, shuffle: nil)
                let replayer = WebhookReplayer(options: .init(url: fake.url + "/webhook", secret: Self.secret))
                let outcomes = await replayer.run(plan) { _ in }
                await replayer.shutdown()
                #expect(outcomes.map(\.status) == [401, nil, 200])
                #expect(outcomes[0].body == #"{"error":"Invalid signature"}"#)
                #expect(outcomes[1].error == "the server closed the connection without answering")
                #expect(outcomes.map(\.succeeded) == [false, false, true])
            }
            // Nothing listens on this port: it is bound, never listened on, held until the end.
            let outcomes = try await withRefusingLoopbackPort { port in
                let replayer = WebhookReplayer(options: .init(url: "http://127.0.0.1:\(port)/webhook", secret: Self.secret))
                let outcomes = await replayer.run(WebhookReplayer.plan(try payloads().prefix(1).map { $0 }, repeat: 1, shuffle: nil)) { _ in }
                await replayer.shutdown()
                return outcomes
            }
            #expect(outcomes.first?.error == "connection refused (is the server running?)")
        }

        @Test func checksTheURL() {
            #expect(WebhookReplayer.checkURL("http://127.0.0.1:3000/webhook") == nil)
            #expect(WebhookReplayer.checkURL("https://example.com/api/webhook") == nil)
            #expect(WebhookReplayer.checkURL("127.0.0.1:3000/webhook") != nil)
            #expect(WebhookReplayer.checkURL("ftp://x/y") != nil)
            #expect(WebhookReplayer.checkURL("http:///nohost") != nil)
        }

        // MARK: - Rewrite

        @Test func rewriteSpecs() throws {
            #expect(
                try WebhookRewrite.parse("from=+54 9 11 5555-0001,phone_number_id=999,id=fresh,timestamp=now")
                    == WebhookRewrite(from: "5491155550001", phoneNumberId: "999", freshIds: true, timestamp: .now))
            #expect(try WebhookRewrite.parse("timestamp=1767225600").timestamp == .seconds(1_767_225_600))
            for bad in ["", "from", "from=abc", "id=w1", "timestamp=soon", "colour=red", "phone_number_id="] {
                #expect(throws: WebhookRewrite.Problem.self, "\(bad)") { _ = try WebhookRewrite.parse(bad) }
            }
        }

        @Test func rewriteChangesOnlyTheValuesInPlace() throws {
            let original = try WebhookExamples.bytes("text-hola.json")
            let rewrite = WebhookRewrite(from: "5491155550001", phoneNumberId: "999", freshIds: true, timestamp: .now)
            let rewritten = rewrite.apply(to: original, now: Date(timeIntervalSince1970: 1_800_000_000.7)) { "wamid.NEW" }
            let expected = String(decoding: original, as: UTF8.self)
                .replacingOccurrences(of: "\"5491155550000\"", with: "\"5491155550001\"")
                .replacingOccurrences(of: "\"106540352242922\"", with: "\"999\"")
                .replacingOccurrences(of: "wamid.HBgNNTQ5MTE1NTU1MDAwMBUCABIYFjNFQjA0001QzE2MUYzMUI0QTlEOTcA", with: "wamid.NEW")
                .replacingOccurrences(of: "\"1767225660\"", with: "\"1800000000\"")
            #expect(String(decoding: rewritten, as: UTF8.self) == expected)
        }

        @Test func rewriteStatusesAndEscapedBodies() throws {
            let status = try WebhookExamples.bytes("status-read.json")
            let rewritten = WebhookRewrite(from: "1", freshIds: true, timestamp: .seconds(5)).apply(to: status, now: Date()) { "unused" }
            let delivery = try WebhookDelivery(body: rewritten)
            #expect(delivery.statusEvents.first?.status.recipientId == "1")
            #expect(delivery.statusEvents.first?.status.timestamp == "5")
            #expect(delivery.statusEvents.first?.status.id == "wamid.HBgNNTQ5MTE1NTU1MDAwMBUCABEYEjQ1QjI0QTU0RTRGMTEzM0FFOQA=")  // status ids stay
            let escaped = try WebhookExamples.bytes("text-meta-style-escaped.json")
            let changed = WebhookRewrite(phoneNumberId: "42").apply(to: escaped, now: Date()) { "x" }
            #expect(changed.count == escaped.count - 13)
            #expect(String(decoding: changed, as: UTF8.self).contains(#"Luc\u00eda G\u00f3mez"#))
            #expect(String(decoding: changed, as: UTF8.self).contains(#"https:\/\/ferreteria.example\/envios"#))
            // A numeric timestamp stays a number; a body that is not JSON is left alone.
            let numeric = Array(#"{"entry":[{"changes":[{"value":{"messages":[{"id":"a","timestamp":1}]}}]}]}"#.utf8)
            #expect(
                String(decoding: WebhookRewrite(timestamp: .seconds(99)).apply(to: numeric, now: Date()) { "x" }, as: UTF8.self)
                    == #"{"entry":[{"changes":[{"value":{"messages":[{"id":"a","timestamp":99}]}}]}]}"#)
            #expect(WebhookRewrite(timestamp: .now).apply(to: Array("not json".utf8), now: Date()) { "x" } == Array("not json".utf8))
        }

        @Test func freshIdsAreUnique() {
            let random = SeededRandomSource(seed: 9)
            let ids = (0..<1000).map { _ in WebhookRewrite.freshMessageId(random: random) }
            #expect(Set(ids).count == 1000)
            #expect(ids.allSatisfy { $0.hasPrefix("wamid.FCB") && $0.count == 49 })
        }

        // MARK: - Synthesis and secrets

        @Test func synthesisedTextLooksLikeMetas() throws {
            let bytes = WebhookSynthesizer(from: "+54 9 11 5555-0000").textMessage(
                "¿hola? https://x.y/z", messageId: "wamid.TEST", at: Date(timeIntervalSince1970: 1_767_225_600))
            #expect(
                String(decoding: bytes, as: UTF8.self)
                    == #"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Luc\u00eda G\u00f3mez"},"wa_id":"5491155550000"}],"messages":[{"from":"5491155550000","id":"wamid.TEST","timestamp":"1767225600","text":{"body":"\u00bfhola? https:\/\/x.y\/z"},"type":"text"}]},"field":"messages"}]}]}"#
            )
            let message = try #require(try WebhookDelivery(body: bytes).messageEvents.first)
            #expect(message.message.text?.body == "¿hola? https://x.y/z")
            #expect(message.contact?.profileName == "Lucía Gómez")
        }

        @Test func secretResolution() async throws {
            let fromFlag = try await SigningSecret.resolve([LiteralSecret("flag"), EnvironmentSecret(environment: ["META_APP_SECRET": "env"])])
            #expect(fromFlag == .init(secret: "flag", source: "--secret"))
            let fromEnv = try await SigningSecret.resolve([LiteralSecret(nil), EnvironmentSecret(environment: ["META_APP_SECRET": "env"])])
            #expect(fromEnv == .init(secret: "env", source: "META_APP_SECRET"))
            do {
                _ = try await SigningSecret.resolve([LiteralSecret(nil), EnvironmentSecret(environment: [:])])
                Issue.record("expected no secret")
            } catch {
                #expect("\(error)" == "no signing secret: give --secret or META_APP_SECRET")
            }
            do {
                _ = try await SigningSecret.resolve([LiteralSecret(""), EnvironmentSecret(environment: ["META_APP_SECRET": "env"])])
                Issue.record("expected an empty-secret error")
            } catch {
                #expect("\(error)" == "the secret from --secret is empty; fcb never accepts signatures made with an empty secret")
            }
        }
    }
}
