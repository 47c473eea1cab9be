import FCBTesting
import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `fcb serve` as a process: configuration errors, the effective configuration line, serving on
/// a free loopback port with the stub pipeline, and SIGTERM.
@Suite("fcb serve", .serialized)
struct ServeCommandTests {
    /// A process whose standard error is collected while it runs.
    final class Collected: Sendable {
        let data = Mutex(Data())
    }

    /// `fcb serve` in a working directory, its standard error collected while it runs (the
    /// configuration tests read it); FCBTesting's `ServeProcess` logs to a file instead.
    final class ServeChild {
        let process: Process
        private let collected = Collected()

        init(arguments: [String], directory: URL, environment: [String: String]) throws {
            process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["serve"] + arguments
            process.currentDirectoryURL = directory
            var env = ProcessInfo.processInfo.environment
            for key in env.keys where key.hasPrefix("FCB_") || ["PORT", "HOST", "DATABASE_URL", "TLS_CERT", "TLS_KEY", "NODE_ENV", "JWT_SECRET"].contains(key) {
                env[key] = nil
            }
            for (key, value) in environment { env[key] = value }
            process.environment = env
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            let collected = self.collected
            errors.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                collected.data.withLock { $0.append(data) }
            }
            try process.run()
        }

        var stderr: String { collected.data.withLock { String(decoding: $0, as: UTF8.self) } }

        /// Waits (bounded) until standard error contains `text`.
        func wait(for text: String, seconds: Double = 30) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if stderr.contains(text) { return true }
                if !process.isRunning { return stderr.contains(text) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        func waitForExit(seconds: Double = 30) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                process.interrupt()
                return nil
            }
            Thread.sleep(forTimeInterval: 0.1)  // let the last stderr bytes arrive
            return process.terminationStatus
        }
    }

    static func temporaryDirectory(dotEnv: String? = nil) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let dotEnv { try Data(dotEnv.utf8).write(to: directory.appendingPathComponent(".env")) }
        return directory
    }

    static func get(_ url: String, method: String = "GET") async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.timeoutInterval = 10
        if method == "POST" { request.httpBody = Data("{}".utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func servesOnTheEmbeddedDatabaseAndStopsOnSIGTERM() async throws {
        let directory = try Self.temporaryDirectory(dotEnv: "META_APP_SECRET='app-secret-value'\nFCB_WORKERS=3\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try ServeChild(arguments: ["--port", "0", "--log-format", "json"], directory: directory, environment: ["JWT_SECRET": "jwt-value"])
        #expect(serve.wait(for: "fcb serve listening on http://127.0.0.1:"), "\(serve.stderr)")
        let output = serve.stderr
        let line = try #require(output.split(separator: "\n").first { $0.contains("listening on") })
        let portText = try #require(line.split(separator: ":").last.map { $0.prefix { $0.isNumber } })
        let port = try #require(Int(portText))

        #expect(output.contains("effective configuration: DATABASE_URL=sqlite:./fcb.sqlite (default), PORT=0 (flag), "))
        #expect(output.contains("META_APP_SECRET=*** (.env)"))
        #expect(output.contains("JWT_SECRET=*** (env)"))
        #expect(output.contains("FCB_WORKERS=3 (.env)"))
        #expect(output.contains("FCB_LOG_FORMAT=json (flag)"))
        #expect(!output.contains("app-secret-value"))
        #expect(!output.contains("jwt-value"))
        #expect(output.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })

        let health = try await Self.get("http://127.0.0.1:\(port)/health")
        #expect(health.0 == 200)
        #expect(health.1 == #"{"status":"ok"}"#)
        let webhook = try await Self.get("http://127.0.0.1:\(port)/webhook", method: "POST")
        #expect(webhook.0 == 401)
        #expect(webhook.1 == #"{"error":"Missing signature"}"#)
        let ready = try await Self.get("http://127.0.0.1:\(port)/ready")
        #expect(ready.0 == 200)
        #expect(ready.1 == #"{"status":"ready"}"#)

        serve.process.terminate()  // SIGTERM
        #expect(serve.waitForExit() == 0)
        #expect(serve.stderr.contains("fcb serve stopped"))
        #expect(serve.stderr.contains(#""message":"webhook request""#))
    }

    @Test func textLogsAndTheJWTWarningInDevelopment() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try ServeChild(arguments: ["--port", "0", "--log-format", "text"], directory: directory, environment: [:])
        #expect(serve.wait(for: "listening on"), "\(serve.stderr)")
        serve.process.interrupt()  // SIGINT
        #expect(serve.waitForExit() == 0)
        let output = serve.stderr
        #expect(output.contains("warning fcb.serve: [fcb] JWT_SECRET is not set"), "\(output)")
        #expect(!output.contains(#"{"timestamp""#))
    }

    @Test(arguments: [
        (
            ["--port", "http"], [String: String](), nil as String?,
            #"error: invalid --port "http": expected a port number from 0 to 65535 (0 picks a free port)"#
        ),
        (["--tls-cert", "c.pem"], [:], nil, "error: TLS_CERT is set but TLS_KEY is not: give both PEM files for HTTPS, or neither for plain HTTP"),
        (
            [], ["FCB_ENV": "production"], nil,
            "error: JWT_SECRET is not set and the environment is production: refusing to accept unauthenticated Socket.IO connections (set JWT_SECRET to the dashboard's secret)"
        ),
        ([], [:], "PORT=1\nnonsense\n", #"error: .env:2: expected KEY=value, found "nonsense""#),
        (["--env-file", "prod.env"], [:], nil, "error: prod.env: no such file (given with --env-file)"),
        (["--tls-cert", "c.pem", "--tls-key", "k.pem", "--port", "0"], ["JWT_SECRET": "x"], nil, "error: TLS_CERT c.pem: no such file"),
    ])
    func configurationErrorsExitTwo(arguments: [String], environment: [String: String], dotEnv: String?, message: String) throws {
        let directory = try Self.temporaryDirectory(dotEnv: dotEnv)
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try ServeChild(arguments: arguments, directory: directory, environment: environment)
        let status = serve.waitForExit()
        #expect(status == 2)
        #expect(serve.stderr.hasSuffix(message + "\n"), "\(serve.stderr)")
    }

    @Test func helpListsEveryFlag() throws {
        let result = try CLI.run(["serve", "--help"])
        #expect(result.status == 0)
        for flag in [
            "--host", "--port", "--database-url", "--tls-cert", "--tls-key", "--log-format", "--log-level", "--workers", "--session-timeout", "--max-delay",
            "--env-file",
        ] {
            #expect(result.stdout.contains(flag), "\(flag)")
        }
    }
}
