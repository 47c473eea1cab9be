import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// A running `fcb serve` child process, started with posix_spawn (stdout/stderr to a log file)
/// so it can be killed with SIGKILL exactly like a crash.
final class ServeProcess: @unchecked Sendable {
    let pid: pid_t
    let port: Int
    let logPath: String
    private var reaped = false

    private init(pid: pid_t, port: Int, logPath: String) {
        self.pid = pid
        self.port = port
        self.logPath = logPath
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `fcb serve` with `arguments` on `port` and waits (bounded) until `/health` answers.
    static func start(port: Int, arguments: [String], environment: [String: String], logPath: String) async throws -> ServeProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let words = [CLI.binary.path, "serve", "--host", "127.0.0.1", "--port", String(port)] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, CLI.binary.path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw ServeProcessError("cannot start fcb serve: posix_spawn \(spawned)") }
        let process = ServeProcess(pid: pid, port: port, logPath: logPath)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let response = try? await HTTP.request("GET", process.baseURL + "/health"), response.status == 200 { return process }
            if process.exited { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.kill()
        throw ServeProcessError("fcb serve did not become healthy; log:\n" + ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""))
    }

    /// True once the process has ended (reaps it).
    var exited: Bool {
        if reaped { return true }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped = true }
        return reaped
    }

    /// SIGKILL and reap: a crash, nothing flushed or finished.
    func kill() {
        guard !reaped else { return }
        _ = Foundation.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        reaped = true
    }

    /// SIGTERM and wait (bounded) for a graceful exit; SIGKILL after the timeout.
    func terminate(timeout: Duration = .seconds(20)) async {
        guard !reaped else { return }
        _ = Foundation.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if exited { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

struct ServeProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Minimal HTTP calls over loopback with the shared AsyncHTTPClient.
enum HTTP {
    struct Response {
        let status: Int
        let body: String
    }

    /// Refused connections fail at once (AHC's shared client keeps retrying until its connect
    /// timeout, which makes a killed server look like a slow one).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .milliseconds(500)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func request(_ method: String, _ url: String, body: [UInt8] = [], headers: [String: String] = [:]) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return Response(status: Int(response.status.code), body: String(buffer: collected))
    }
}

/// A loopback port that was free a moment ago.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ServeProcessError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0 else { throw ServeProcessError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    guard named == 0 else { throw ServeProcessError("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
