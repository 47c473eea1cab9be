import AsyncHTTPClient
import FCBServe
import Foundation
import Logging
import NIOCore
import NIOSSL
import Prometheus
import Testing

/// A self-signed certificate made with `openssl` in a temporary directory.
struct SelfSignedCertificate {
    static let openssl = ["/usr/bin/openssl", "/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool {
        if openssl == nil { print("ServerTLSTests: skipped: the openssl command is not installed (needed to make a test certificate)") }
        return openssl != nil
    }

    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var key: String { directory.appendingPathComponent("key.pem").path }
    var otherKey: String { directory.appendingPathComponent("other-key.pem").path }
    var encryptedKey: String { directory.appendingPathComponent("encrypted-key.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        try run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", otherKey])
        try run(["pkey", "-in", key, "-aes256", "-passout", "pass:secret", "-out", encryptedKey])
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func write(_ text: String, to name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.openssl ?? "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TimedOut(what: "openssl \(arguments.first ?? "")", seconds: 0) }
    }
}

@Suite("fcb serve over HTTPS")
struct ServerTLSTests {
    @Test(.enabled(if: SelfSignedCertificate.isAvailable, "needs the openssl command"))
    func servesHTTPSWithTheGivenCertificate() async throws {
        let files = try SelfSignedCertificate()
        defer { files.remove() }
        let responder = RecordingResponder()
        let configuration = try RunningServer.configuration([.host: "127.0.0.1", .tlsCert: files.certificate, .tlsKey: files.key])
        let server = try await RunningServer.start(configuration: configuration, responder: responder)
        #expect(server.address.scheme == "https")
        #expect(server.address.port > 0)

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.certificate))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(tlsConfiguration: tls))
        do {
            let health = try await client.execute(HTTPClientRequest(url: "\(server.address)/health"), timeout: .seconds(10))
            #expect(health.status == .ok)
            #expect(String(buffer: try await health.body.collect(upTo: 1 << 16)) == #"{"status":"ok"}"#)

            var post = HTTPClientRequest(url: "https://localhost:\(server.address.port)/webhook")
            post.method = .POST
            post.body = .bytes(ByteBuffer(bytes: nonUTF8Body))
            let delivery = try await client.execute(post, timeout: .seconds(10))
            #expect(delivery.status == .ok)
            #expect(String(buffer: try await delivery.body.collect(upTo: 1 << 16)) == #"{"success":true}"#)
        } catch {
            try? await client.shutdown()
            try? await server.stop()
            throw error
        }
        try await client.shutdown()
        try await server.stop()
        #expect(responder.requests.map(\.body) == [nonUTF8Body])
    }

    @Test(.enabled(if: SelfSignedCertificate.isAvailable, "needs the openssl command"))
    func unusablePEMFilesAreClearErrors() throws {
        let files = try SelfSignedCertificate()
        defer { files.remove() }
        let garbage = try files.write("this is not PEM\n", to: "garbage.pem")
        let truncated = try files.write("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", to: "truncated.pem")
        let missing = files.directory.appendingPathComponent("absent.pem").path

        func message(cert: String, key: String) -> String? {
            do {
                _ = try TLSSetup.serverConfiguration(.init(certificatePath: cert, keyPath: key))
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message(cert: files.certificate, key: files.key) == nil)
        #expect(message(cert: missing, key: files.key) == "TLS_CERT \(missing): no such file")
        #expect(message(cert: files.certificate, key: missing) == "TLS_KEY \(missing): no such file")
        #expect(message(cert: files.directory.path, key: files.key) == "TLS_CERT \(files.directory.path): cannot read the file (is it a readable file?)")
        #expect(message(cert: garbage, key: files.key)?.hasPrefix("TLS_CERT \(garbage): ") == true)
        #expect(message(cert: truncated, key: files.key)?.hasPrefix("TLS_CERT \(truncated): not a valid PEM certificate") == true)
        #expect(message(cert: files.key, key: files.key)?.hasPrefix("TLS_CERT \(files.key): ") == true)
        #expect(message(cert: files.certificate, key: garbage)?.hasPrefix("TLS_KEY \(garbage): not a valid unencrypted PEM private key") == true)
        #expect(
            message(cert: files.certificate, key: files.certificate)?.hasPrefix("TLS_KEY \(files.certificate): not a valid unencrypted PEM private key") == true
        )
        #expect(
            message(cert: files.certificate, key: files.encryptedKey)
                == "TLS_KEY \(files.encryptedKey): the private key is encrypted; give an unencrypted copy (openssl pkey -in KEY -out PLAIN) and keep it readable only by fcb"
        )
        #expect(
            message(cert: files.certificate, key: files.otherKey)?.hasPrefix(
                "TLS_CERT \(files.certificate) and TLS_KEY \(files.otherKey) cannot be used together (does the key belong to the certificate?)") == true)

        // FCBServer refuses to be built with them, before binding anything.
        let configuration = try RunningServer.configuration([.tlsCert: garbage, .tlsKey: files.key])
        #expect(throws: ServeConfigurationError.self) {
            try FCBServer(
                configuration: configuration, responder: RecordingResponder(), readiness: FixedReadiness(reason: nil),
                registry: .init(), logger: .init(label: "test"))
        }
    }
}
