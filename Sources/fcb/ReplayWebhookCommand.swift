import ArgumentParser
import FCBPipeline
import FCBStore
import FCBSupport
import FlowEngine
import Foundation
import WhatsAppCloud

struct ReplayWebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-webhook",
        abstract: "POST recorded or synthetic Meta webhook deliveries to a server, correctly signed.",
        discussion: """
            Sends the exact bytes of each payload, as Meta does: POST with Content-Type: \
            application/json and an X-Hub-Signature-256 header computed with the app secret. \
            It prints the status and body of every response and a summary.

            Payloads are files, directories (every .json below, sorted) or - for standard input; \
            examples/webhooks/ has one for every message type and status. --text synthesises a \
            realistic text message instead (compact, in Meta's style), so no file is needed.

            Testing what the server does with redeliveries and disorder: --repeat sends the whole \
            set several times (Meta redelivers until it gets a 200), --shuffle sends it out of \
            order (reproducibly with --seed), --concurrency sends several at once. --rewrite \
            changes values in place before signing, keeping every other byte: the contact \
            (from=PHONE: messages[].from, contacts[].wa_id, statuses[].recipient_id), the \
            business number (phone_number_id=ID), a new message id per POST (id=fresh, so the \
            server sees new messages rather than redeliveries) and the time (timestamp=now or \
            Unix seconds).

            The secret comes from --secret, else the --tenant's User.metaAppSecret in the \
            database, else META_APP_SECRET. On a terminal a progress line \
            shows how far a long replay got.

            Exit status: 0 every delivery answered 2xx, 1 any delivery got another status or no \
            answer, 2 usage error or unreadable payload.

            Examples:
              fcb replay-webhook examples/webhooks/text-hola.json --url http://127.0.0.1:3000/webhook --secret demo-secret
              fcb replay-webhook examples/webhooks/ --url http://127.0.0.1:3000/webhook --repeat 3 --shuffle --concurrency 8
              fcb replay-webhook recorded.json --url http://127.0.0.1:3000/webhook --rewrite from=5491155550001,id=fresh,timestamp=now
              fcb replay-webhook --text "hola" --from 5491155550000 --phone-number-id 106540352242922 --url http://127.0.0.1:3000/webhook
            """
    )

    @Argument(
        help: ArgumentHelp("Payload files, directories (every .json below) or - for standard input.", valueName: "payload"),
        completion: .file(extensions: ["json"]))
    var payloads: [String] = []

    @Option(help: ArgumentHelp("The webhook URL, e.g. http://127.0.0.1:3000/webhook.", valueName: "url"))
    var url: String?

    @Option(
        help: ArgumentHelp(
            "The app secret to sign with (Meta App Dashboard > App settings > Basic). Default: the META_APP_SECRET environment variable.",
            valueName: "secret"))
    var secret: String?

    @Option(
        help: ArgumentHelp(
            "Sign with this tenant's User.metaAppSecret from the database: a user id or its metaPhoneNumberId.",
            discussion: "Used when --secret is not given; the database is --database-url, else DATABASE_URL, else sqlite:./fcb.sqlite.",
            valueName: "tenant"))
    var tenant: String?

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Send the whole set this many times (redeliveries).", valueName: "n"))
    var repeatCount: Int = 1

    @Option(help: ArgumentHelp("Deliveries in flight at once (1: one after the other).", valueName: "n"))
    var concurrency: Int = 1

    @Flag(help: "Send the deliveries in random order (prints the seed; see --seed).")
    var shuffle = false

    @Option(help: ArgumentHelp("Seed for --shuffle, to repeat an order exactly (implies --shuffle).", valueName: "n"))
    var seed: UInt64?

    @Option(
        help: ArgumentHelp(
            "Rewrite values before signing: from=PHONE, phone_number_id=ID, id=fresh, timestamp=now|SECONDS (comma-separated).",
            valueName: "changes"))
    var rewrite: String?

    @Option(help: ArgumentHelp("Synthesise a text message with this body instead of reading files.", valueName: "text"))
    var text: String?

    @Option(help: ArgumentHelp("With --text: the contact's phone number (default \(WebhookSynthesizer.defaultFrom)).", valueName: "phone"))
    var from: String?

    @Option(
        help: ArgumentHelp(
            "With --text: the business phone number id the message is for (default \(WebhookSynthesizer.defaultPhoneNumberId)).",
            valueName: "id"))
    var phoneNumberId: String?

    @Option(help: ArgumentHelp("With --text: the contact's profile name (default \"\(WebhookSynthesizer.defaultName)\").", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Seconds to wait for each answer.", valueName: "seconds"))
    var timeout: Double = 30

    func run() async throws {
        let payloads = try readPayloads()
        guard let url else { throw CommandError.usage("give --url, e.g. --url http://127.0.0.1:3000/webhook") }
        if let problem = WebhookReplayer.checkURL(url) { throw CommandError.usage(problem) }
        guard (1...1_000_000).contains(repeatCount) else { throw CommandError.usage("--repeat must be between 1 and 1000000") }
        guard (1...1024).contains(concurrency) else { throw CommandError.usage("--concurrency must be between 1 and 1024") }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else { throw CommandError.usage("--timeout must be between 0 and 3600 seconds") }
        var changes: WebhookRewrite?
        if let rewrite {
            do { changes = try WebhookRewrite.parse(rewrite) } catch { throw CommandError.usage(error.description) }
        }
        let resolved = try await resolveSecret()
        var order: (any RandomSource)?
        if shuffle || seed != nil {
            let seed = self.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
            order = SeededRandomSource(seed: seed)
            FileHandleWriter.standardError("shuffled with seed \(seed) (repeat this order with --seed \(seed))\n")
        }
        let plan = WebhookReplayer.plan(payloads, repeat: repeatCount, shuffle: order)
        let replayer = WebhookReplayer(
            options: .init(url: url, secret: resolved.secret, concurrency: concurrency, rewrite: changes, timeout: .milliseconds(Int(timeout * 1000))))
        let progress = ReplayProgress(total: plan.count, enabled: plan.count > 1 && FileHandleWriter.isTerminal(2))
        let outcomes = await replayer.run(plan) { outcome in
            progress.print(Self.line(outcome, total: plan.count, repeated: repeatCount > 1))
        }
        await replayer.shutdown()
        progress.finish()
        let failed = outcomes.filter { !$0.succeeded }.count
        FileHandleWriter.standardOutput(
            "\(outcomes.count) \(outcomes.count == 1 ? "delivery" : "deliveries") to \(url) (signed with the secret from \(resolved.source)): \(outcomes.count - failed) answered 2xx, \(failed) failed\n"
        )
        if failed > 0 { throw ExitCode(1) }
    }

    /// The payloads to send: the files, or the synthesised --text message.
    private func readPayloads() throws -> [WebhookReplayer.Payload] {
        if let text {
            guard payloads.isEmpty else { throw CommandError.usage("give payload files or --text, not both") }
            let synthesizer = WebhookSynthesizer(
                from: from ?? WebhookSynthesizer.defaultFrom, phoneNumberId: phoneNumberId ?? WebhookSynthesizer.defaultPhoneNumberId,
                profileName: name ?? WebhookSynthesizer.defaultName)
            let id = WebhookRewrite.freshMessageId(random: SystemRandomSource())
            return [.init(name: "--text \"\(text)\"", bytes: synthesizer.textMessage(text, messageId: id, at: Date()))]
        }
        if from != nil || phoneNumberId != nil || name != nil {
            throw CommandError.usage("--from, --phone-number-id and --name describe a --text message; to change files use --rewrite from=…,phone_number_id=…")
        }
        guard !payloads.isEmpty else {
            throw CommandError.usage("give payload files, directories or -, or --text \"hola\" (see fcb replay-webhook --help)")
        }
        let inputs = FlowInputs.collect(payloads) { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        if let unreadable = inputs.first(where: { $0.bytes == nil }) {
            throw CommandError.unreadableInput("\(unreadable.path): \(unreadable.readError ?? "cannot read")")
        }
        return inputs.compactMap { input in
            guard let bytes = input.bytes else { return nil }
            if bytes.count > WebhookDelivery.maxBodyBytes {
                FileHandleWriter.standardError("note: \(input.path) is \(bytes.count) bytes, over Meta's 3 MiB limit (fcb serve answers 413)\n")
            } else if (try? WebhookDelivery(body: bytes)) == nil {
                FileHandleWriter.standardError("note: \(input.path) is not a JSON object; it is sent as it is\n")
            }
            return .init(name: input.path, bytes: bytes)
        }
    }

    /// `[3/14] examples/webhooks/text-hola.json → 200 OK (4 ms) {"success":true}`
    static func line(_ outcome: WebhookReplayer.Outcome, total: Int, repeated: Bool) -> String {
        let width = String(total).count
        let index = String(repeating: " ", count: max(0, width - String(outcome.delivery.index).count)) + String(outcome.delivery.index)
        let round = repeated ? " (round \(outcome.delivery.round))" : ""
        var line = "[\(index)/\(total)] \(outcome.delivery.payload.name)\(round) → "
        if let status = outcome.status {
            line += "\(status)\(outcome.statusText.isEmpty ? "" : " " + outcome.statusText) (\(outcome.milliseconds) ms)"
            let body = outcome.body.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
            if !body.isEmpty { line += " " + (body.count > 300 ? body.prefix(300) + "…" : body) }
        } else {
            line += "failed: \(outcome.error ?? "no answer") (\(outcome.milliseconds) ms)"
        }
        return line
    }

    /// The signing secret: --secret, else the tenant's `metaAppSecret` (--tenant, read from the
    /// database, which is open only for this lookup), else META_APP_SECRET.
    private func resolveSecret() async throws -> SigningSecret.Resolved {
        let environment = EnvironmentSecret(name: "META_APP_SECRET", environment: ProcessInfo.processInfo.environment)
        func resolve(_ sources: [any SigningSecretSource]) async throws -> SigningSecret.Resolved {
            do { return try await SigningSecret.resolve(sources) } catch { throw CommandError.usage("\(error)") }
        }
        guard let tenant, secret == nil else { return try await resolve([LiteralSecret(secret), environment]) }
        let url: DatabaseURL
        do { url = try database.resolved().url } catch { throw CommandError.usage("--tenant: \(error)") }
        do {
            return try await SQLStore.withOpened(url, installSchema: false) { store in
                try await resolve([TenantSecret(store: store, tenant: tenant), environment])
            }
        } catch let error as StoreError {
            throw CommandError.usage("--tenant: \(error)")
        }
    }
}
