import FCBTesting
import FlowEngine
import Foundation
import Synchronization
import Testing
import WhatsAppCloud

/// `fcb verify-signature`, `fcb replay-webhook` and `fcb dev fake-graph`, as built.
@Suite("fcb verify-signature and replay-webhook", .serialized)
struct WebhookCLITests {
    static let hola = "examples/webhooks/text-hola.json"
    static let holaSignature = "sha256=05b5390e0d8b7bcf7cf141b48f14f3d91db7a208963c5d7151fddbef82aab3eb"
    /// Runs the binary on a Dispatch thread: waiting for a process must not block one of the
    /// few cooperative threads that the loopback servers and HTTP clients of other tests need.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) async throws -> CLI.Result {
        try await offPool { try CLI.run(arguments, stdin: stdin, environment: environment) }
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    // MARK: - verify-signature

    @Test func signsAndVerifiesTheREADMEExample() async throws {
        let signed = try await Self.run(["verify-signature", Self.hola, "--secret", "demo-secret", "--sign"])
        #expect(signed.status == 0)
        #expect(signed.stdout == Self.holaSignature + "\n")
        let valid = try await Self.run([
            "verify-signature", Self.hola, "--secret", "demo-secret", "--signature",
            Self.holaSignature.uppercased().replacingOccurrences(of: "SHA256", with: "sha256"),
        ])
        #expect(valid.status == 0)
        #expect(
            valid.stdout == """
                expected: \(Self.holaSignature)
                given:    \(Self.holaSignature.uppercased().replacingOccurrences(of: "SHA256", with: "sha256"))
                valid: the signature matches \(Self.hola) (966 bytes)

                """)
        let piped = try await Self.run(
            ["verify-signature", "-", "--signature", Self.holaSignature], stdin: Data(contentsOf: CLI.root.appendingPathComponent(Self.hola)),
            environment: ["META_APP_SECRET": "demo-secret"])
        #expect(piped.status == 0)
        #expect(piped.stdout.hasSuffix("valid: the signature matches <stdin> (966 bytes)\n"))
    }

    @Test func explainsAMismatch() async throws {
        let pretty = try String(contentsOf: CLI.root.appendingPathComponent(Self.hola), encoding: .utf8)
        let compact = try JSONValue(parsing: pretty).serialized()
        let result = try await Self.run(["verify-signature", "-", "--secret", "demo-secret", "--signature", Self.holaSignature], stdin: Data(compact.utf8))
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "expected: " + WebhookSignature.header(body: Array(compact.utf8), secret: "demo-secret"))
        #expect(lines[1] == "given:    " + Self.holaSignature)
        #expect(lines[2] == "invalid: the signature does not match <stdin> (\(compact.utf8.count) bytes) with this secret")
        #expect(lines[3] == "likely causes:")
        #expect(lines[4].hasPrefix("  - the signature matches this body pretty-printed with 2 spaces (JSON.stringify(body, null, 2))"))
        #expect(lines[5].hasPrefix("  - the signed bytes end with a line break that this body does not have"))
        let wrongSecret = try await Self.run(["verify-signature", Self.hola, "--secret", "nope", "--signature", Self.holaSignature])
        #expect(wrongSecret.status == 1)
        #expect(wrongSecret.stdout.contains("likely cause:\n  - no usual re-writing of the body explains the mismatch"))
        let empty = try await Self.run(["verify-signature", Self.hola, "--secret", "", "--signature", Self.holaSignature])
        #expect(empty.status == 1)
        #expect(empty.stdout.hasPrefix("expected: (none: the secret is empty)\n"))
        #expect(empty.stdout.contains("  - the secret is empty: fcb never accepts a signature made with an empty secret"))
        let sha1 = try await Self.run(["verify-signature", Self.hola, "--secret", "demo-secret", "--signature", "sha1=0123"])
        #expect(sha1.status == 1)
        #expect(sha1.stdout.contains("the old X-Hub-Signature (SHA-1) header"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let cases: [([String], String)] = [
            (["verify-signature", "--secret", "s", "--signature", "sha256=00"], "error: give the body file"),
            (["verify-signature", Self.hola, "--secret", "s"], "error: give --signature sha256=… to check, or --sign"),
            (["verify-signature", Self.hola, "--signature", "sha256=00"], "error: give --secret (or set META_APP_SECRET)"),
            (
                ["verify-signature", "does/not/exist.json", "--secret", "s", "--signature", "sha256=00"],
                "error: does/not/exist.json: no such file or directory"
            ),
            (["verify-signature", "examples/webhooks", "--secret", "s", "--sign"], "error: examples/webhooks is a directory"),
            (["verify-signature", Self.hola, "--secret", "", "--sign"], "error: the secret is empty"),
            (["verify-signature", Self.hola, "--secret", "s", "--sign", "--signature", "sha256=00"], "error: --sign prints a signature"),
        ]
        for (arguments, message) in cases {
            let result = try await Self.runWithoutSecret(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
        }
    }

    /// Runs with META_APP_SECRET removed from the environment entirely.
    static func runWithoutSecret(_ arguments: [String]) async throws -> CLI.Result {
        try await offPool { try runWithoutSecretBlocking(arguments) }
    }

    private static func runWithoutSecretBlocking(_ arguments: [String]) throws -> CLI.Result {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "META_APP_SECRET" }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    // MARK: - replay-webhook

    static func exampleBodies() throws -> [String: [UInt8]] {
        let directory = CLI.root.appendingPathComponent("examples/webhooks")
        var bodies: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            bodies["examples/webhooks/" + name] = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return bodies
    }

    @Test func replaysEveryExampleThreeTimesShuffledWithExactBytesAndSignatures() async throws {
        try await FakeGraphAPI.withRunning { fake in
            let bodies = try Self.exampleBodies()
            #expect(bodies.count == 23)
            let result = try await Self.run([
                "replay-webhook", "examples/webhooks/", "--url", fake.url + "/webhook", "--secret", "demo-secret", "--repeat", "3", "--shuffle",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let received = await fake.requests(path: "/webhook")
            #expect(received.count == 69)
            for request in received {
                let header = try #require(request.header("X-Hub-Signature-256"))
                #expect(WebhookSignature.verify(body: request.body, secret: "demo-secret", header: header) == .valid(candidate: 0))
                #expect(request.header("Content-Type") == "application/json")
            }
            // Each example arrived exactly three times, byte for byte.
            for (name, bytes) in bodies {
                #expect(received.filter { $0.body == bytes }.count == 3, "\(name)")
            }
            // Shuffled: not in the directory's order.
            let sorted = bodies.keys.sorted().compactMap { bodies[$0] }
            #expect(received.prefix(23).map(\.body) != sorted)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 70)
            #expect(lines.filter { $0.contains(" → 200 OK (") && $0.hasSuffix(#"{"success":true}"#) }.count == 69)
            #expect(lines.last == "69 deliveries to \(fake.url)/webhook (signed with the secret from --secret): 69 answered 2xx, 0 failed")
            #expect(result.stderr.hasPrefix("shuffled with seed "))
        }
    }

    @Test func aSeedRepeatsTheOrder() async throws {
        try await FakeGraphAPI.withRunning { fake in
            var orders: [[[UInt8]]] = []
            for _ in 0..<2 {
                await fake.clearRequests()
                let result = try await Self.run(
                    ["replay-webhook", "examples/webhooks/", "--url", fake.url + "/hook", "--seed", "1234"], environment: ["META_APP_SECRET": "env-secret"])
                #expect(result.status == 0)
                #expect(result.stderr == "shuffled with seed 1234 (repeat this order with --seed 1234)\n")
                #expect(result.stdout.hasSuffix("(signed with the secret from META_APP_SECRET): 23 answered 2xx, 0 failed\n"))
                let received = await fake.requests()
                for request in received {
                    #expect(WebhookSignature.verify(body: request.body, secret: "env-secret", header: request.header("X-Hub-Signature-256") ?? "").isValid)
                }
                orders.append(received.map(\.body))
            }
            #expect(orders[0] == orders[1])
        }
    }

    @Test func synthesisedTextAndRewrites() async throws {
        try await FakeGraphAPI.withRunning { fake in
            let text = try await Self.run([
                "replay-webhook", "--text", "hola", "--from", "+54 9 11 5555-0303", "--phone-number-id", "999", "--name", "Ana", "--url", fake.url + "/webhook",
                "--secret", "s",
            ])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.hasPrefix(#"[1/1] --text "hola" → 200 OK ("#))
            let request = try #require(await fake.requests().first)
            let delivery = try WebhookDelivery(body: request.body)
            let event = try #require(delivery.messageEvents.first)
            #expect(event.message.text?.body == "hola")
            #expect(event.message.from == "5491155550303")
            #expect(event.metadata?.phoneNumberId == "999")
            #expect(event.contact?.profileName == "Ana")
            #expect(WebhookSignature.verify(body: request.body, secret: "s", header: request.header("X-Hub-Signature-256") ?? "").isValid)

            await fake.clearRequests()
            let rewritten = try await Self.run([
                "replay-webhook", Self.hola, "--url", fake.url + "/webhook", "--secret", "s", "--repeat", "2", "--rewrite",
                "from=5491155550404,id=fresh,timestamp=now",
            ])
            #expect(rewritten.status == 0)
            let requests = await fake.requests()
            let messages = try requests.map { try #require(try WebhookDelivery(body: $0.body).messageEvents.first?.message) }
            #expect(messages.map(\.from) == ["5491155550404", "5491155550404"])
            #expect(Set(messages.map(\.id)).count == 2)
            #expect(messages.allSatisfy { $0.id.hasPrefix("wamid.FCB") })
            for request in requests {
                #expect(WebhookSignature.verify(body: request.body, secret: "s", header: request.header("X-Hub-Signature-256") ?? "").isValid)
            }
        }
    }

    @Test func failedDeliveriesExitOne() async throws {
        try await FakeGraphAPI.withRunning { fake in
            await fake.failNext(1, edge: .other, with: .status(401, body: #"{"error":"Invalid signature"}"#))
            let result = try await Self.run(["replay-webhook", Self.hola, "examples/webhooks/image.json", "--url", fake.url + "/webhook", "--secret", "s"])
            #expect(result.status == 1)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines[0].hasPrefix("[1/2] examples/webhooks/text-hola.json → 401 Unauthorized ("))
            #expect(lines[0].hasSuffix(#") {"error":"Invalid signature"}"#))
            #expect(lines[2].hasSuffix(": 1 answered 2xx, 1 failed"))
        }
        let refused = try await withRefusingLoopbackPort { port in
            try await Self.run(["replay-webhook", Self.hola, "--url", "http://127.0.0.1:\(port)/webhook", "--secret", "s"])
        }
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("→ failed: connection refused (is the server running?)"))
    }

    @Test func replayUsageErrorsExitTwo() async throws {
        let cases: [([String], String)] = [
            (["replay-webhook", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"], "error: give payload files, directories or -, or --text"),
            (["replay-webhook", Self.hola, "--secret", "s"], "error: give --url"),
            (["replay-webhook", Self.hola, "--url", "localhost:3000", "--secret", "s"], "error: --url must be an absolute http(s) URL"),
            (["replay-webhook", Self.hola, "--url", "http://127.0.0.1:9/webhook"], "error: no signing secret: give --secret or META_APP_SECRET"),
            (["replay-webhook", Self.hola, "--url", "http://127.0.0.1:9/webhook", "--secret", ""], "error: the secret from --secret is empty"),
            (["replay-webhook", "nope.json", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"], "error: nope.json: no such file or directory"),
            (
                ["replay-webhook", Self.hola, "--from", "1", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"],
                "error: --from, --phone-number-id and --name describe a --text message"
            ),
            (
                ["replay-webhook", Self.hola, "--text", "hola", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"],
                "error: give payload files or --text, not both"
            ),
            (
                ["replay-webhook", Self.hola, "--rewrite", "colour=red", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"],
                "error: --rewrite: unknown key \"colour\""
            ),
            (
                ["replay-webhook", Self.hola, "--repeat", "0", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"],
                "error: --repeat must be between 1 and 1000000"
            ),
            (
                ["replay-webhook", Self.hola, "--concurrency", "0", "--url", "http://127.0.0.1:9/webhook", "--secret", "s"],
                "error: --concurrency must be between 1 and 1024"
            ),
        ]
        for (arguments, message) in cases {
            let result = try await Self.runWithoutSecret(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: - dev fake-graph

    @Test func devFakeGraphRunsUntilInterruptedAndIsHidden() async throws {
        let help = try await Self.run(["--help"])
        #expect(!help.stdout.contains("dev"))
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-fake-\(UUID().uuidString).json")
        try Data(#"[{"edge":"other","status":503,"body":"down"}]"#.utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["dev", "fake-graph", "--port", "0", "--script", script.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let output = Mutex(Data())
        out.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            output.withLock { $0.append(chunk) }
        }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        func text() -> String { output.withLock { String(decoding: $0, as: UTF8.self) } }
        var url: String?
        for _ in 0..<1000 where url == nil {
            if let line = text().split(separator: "\n").first, let range = line.range(of: "http://127.0.0.1:") {
                url = String(line[range.lowerBound...].prefix { $0 != " " })
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let base = try #require(url)
        #expect(text().hasPrefix("fake Graph API listening on \(base) (1 scripted rule); Ctrl-C stops it\n"))
        let first = try await Self.run(["replay-webhook", Self.hola, "--url", base + "/webhook", "--secret", "s"])
        #expect(first.status == 1)  // the scripted 503
        let second = try await Self.run(["replay-webhook", Self.hola, "--url", base + "/webhook", "--secret", "s"])
        #expect(second.status == 0)
        process.interrupt()
        for _ in 0..<1000 where process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        out.fileHandleForReading.readabilityHandler = nil
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        output.withLock { $0.append(rest) }
        let lines = text().split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("#1 POST /webhook → 503 {"))
        #expect(lines[2].hasPrefix("#2 POST /webhook → 200 {"))
        #expect(lines[3] == "stopped after 2 requests")
    }
}
