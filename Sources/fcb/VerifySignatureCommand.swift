import ArgumentParser
import FlowEngine
import Foundation
import WhatsAppCloud

struct VerifySignatureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-signature",
        abstract: "Check an X-Hub-Signature-256 header against a webhook body and explain mismatches.",
        discussion: """
            Computes the HMAC-SHA256 of the body's exact bytes with the app secret and compares \
            it with the header the way `fcb serve` does: several comma-separated candidates are \
            allowed, the algorithm name is case-insensitive, upper-case hex is fine, and the \
            comparison is constant-time. It prints the expected and the given value.

            When the signature does not match, fcb signs the usual accidental re-writings of the \
            body until one reproduces the given signature, and says which: the body was \
            re-serialised or pretty-printed (compact JSON.stringify, 2 or 4 spaces, Python's \
            json.dumps, Meta's escaped style), a trailing newline was added or removed, \
            non-ASCII characters were escaped (\\u00e4) or written raw (UTF-8), CRLF line endings, a \
            byte-order mark, a secret with stray whitespace. It also recognises a sha1= header \
            (the old X-Hub-Signature), a digest of the wrong length, a header without the \
            sha256= prefix, and an empty secret (never accepted).

            --sign prints the header for a body instead, for curl or a test fixture.

            Exit status: 0 valid (or signed), 1 invalid, 2 usage error or unreadable body.

            Examples:
              fcb verify-signature examples/webhooks/text-hola.json --secret demo-secret --signature sha256=05b5390e...
              fcb verify-signature body.json --secret "$META_APP_SECRET" --sign
              pbpaste | fcb verify-signature - --secret s3cret --signature "$HEADER"
            """
    )

    @Argument(
        help: ArgumentHelp("The raw body exactly as received: a file, or - for standard input.", valueName: "body"),
        completion: .file(extensions: ["json"]))
    var body: String?

    @Option(
        help: ArgumentHelp(
            "The app secret (Meta App Dashboard > App settings > Basic > App Secret). Default: the META_APP_SECRET environment variable.",
            valueName: "secret"))
    var secret: String?

    @Option(
        help: ArgumentHelp(
            "The X-Hub-Signature-256 header value to check, e.g. sha256=<64 hex digits> (several comma-separated candidates allowed).",
            valueName: "header"))
    var signature: String?

    @Flag(help: "Print the X-Hub-Signature-256 header value for the body (sha256=...) instead of checking one.")
    var sign = false

    func run() async throws {
        guard let body else {
            throw CommandError.usage("give the body file (or - for standard input), e.g. fcb verify-signature body.json --secret S --signature sha256=…")
        }
        if sign && signature != nil { throw CommandError.usage("--sign prints a signature; leave out --signature") }
        if !sign && signature == nil { throw CommandError.usage("give --signature sha256=… to check, or --sign to print the signature") }
        guard let secret = secret ?? ProcessInfo.processInfo.environment["META_APP_SECRET"] else {
            throw CommandError.usage("give --secret (or set META_APP_SECRET)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: body, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandError.usage("\(body) is a directory; verify-signature checks one body file")
        }
        let input = FlowInputs.collect([body]) { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        guard let read = input.first, let bytes = read.bytes else {
            throw CommandError.unreadableInput("\(input.first?.path ?? body): \(input.first?.readError ?? "cannot read")")
        }
        if sign {
            if secret.isEmpty { throw CommandError.usage("the secret is empty; fcb never accepts signatures made with an empty secret") }
            FileHandleWriter.standardOutput(WebhookSignature.header(body: bytes, secret: secret) + "\n")
            return
        }
        let diagnosis = SignatureDiagnosis(body: bytes, secret: secret, header: signature ?? "")
        FileHandleWriter.standardOutput(Self.render(diagnosis, path: read.path, bytes: bytes.count, secretIsEmpty: secret.isEmpty))
        if !diagnosis.isValid { throw ExitCode(1) }
    }

    static func render(_ diagnosis: SignatureDiagnosis, path: String, bytes: Int, secretIsEmpty: Bool) -> String {
        var out = "expected: \(secretIsEmpty ? "(none: the secret is empty)" : diagnosis.expected)\n"
        out += "given:    \(diagnosis.given)\n"
        switch diagnosis.verification {
        case .valid(let candidate):
            let which = diagnosis.candidateCount > 1 ? " (candidate \(candidate + 1) of \(diagnosis.candidateCount))" : ""
            out += "valid: the signature matches \(path) (\(bytes) bytes)\(which)\n"
        case .mismatch, .noUsableCandidate, .emptySecret:
            let candidates =
                diagnosis.candidateCount > 1 ? "none of the \(diagnosis.candidateCount) sha256= candidates matches" : "the signature does not match"
            out += "invalid: \(candidates) \(path) (\(bytes) bytes) with this secret\n"
            out += diagnosis.causes.count == 1 ? "likely cause:\n" : "likely causes:\n"
            for cause in diagnosis.causes { out += "  - \(cause)\n" }
        }
        return out
    }
}
