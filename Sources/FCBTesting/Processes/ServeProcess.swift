import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One `fcb serve` child process on loopback, for tests and the benchmark.
///
/// Spawned with `posix_spawn`, an empty signal mask and default signal actions: a child
/// inherits the mask of the thread that spawns it, and Swift's runtime threads block signals,
/// so a server spawned from one of them would ignore SIGTERM. Its stdout and stderr go to
/// `logPath`. `kill()` is a crash (SIGKILL, nothing flushed); `terminate` is a graceful stop.
package final class ServeProcess: Sendable {
    package let pid: pid_t
    package let port: Int
    package let logPath: String
    private let reaped = Mutex(false)

    package var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(pid: pid_t, port: Int, logPath: String) {
        self.pid = pid
        self.port = port
        self.logPath = logPath
    }

    /// Starts `executable serve --host 127.0.0.1 --port PORT arguments…` and waits (bounded by
    /// `healthTimeout`) until `/health` answers 200. `port` nil picks a free one. The variables
    /// in `clearing` are removed from the inherited environment before `environment` is applied.
    package static func start(
        executable: String, port: Int? = nil, arguments: [String], environment: [String: String],
        clearing: [String] = [], logPath: String, healthTimeout: Duration = .seconds(60)
    ) async throws -> ServeProcess {
        let port = try port ?? freeLoopbackPort()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGALRM] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let words = [executable, "serve", "--host", "127.0.0.1", "--port", String(port)] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        for name in clearing { env[name] = nil }
        env.merge(environment) { _, new in new }
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw ServeProcessError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        let process = ServeProcess(pid: pid, port: port, logPath: logPath)
        if await process.waitUntilHealthy(timeout: healthTimeout) { return process }
        process.kill()
        throw ServeProcessError("fcb serve did not become healthy within \(healthTimeout); its log ends:\n" + process.logTail(40))
    }

    /// Polls `/health` until it answers 200; false if the process ends or `timeout` passes.
    package func waitUntilHealthy(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !exited {
            if let response = try? await LoopbackHTTP.request("GET", baseURL + "/health"), response.status == 200 { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// True once the process has ended (reaps it).
    package var exited: Bool {
        reaped.withLock { reaped in
            if reaped { return true }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { reaped = true }
            return reaped
        }
    }

    /// SIGKILL and reap: a crash, nothing flushed or finished.
    package func kill() {
        reaped.withLock { reaped in
            guard !reaped else { return }
            _ = Foundation.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            reaped = true
        }
    }

    /// SIGTERM and wait (bounded) for a graceful exit; SIGKILL after `timeout`.
    package func terminate(timeout: Duration = .seconds(20)) async {
        guard !exited else { return }
        _ = Foundation.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if exited { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill()
    }

    /// Everything the server wrote so far.
    package var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The last `count` lines of the server's log (for failure messages).
    package func logTail(_ count: Int = 20) -> String {
        log.split(separator: "\n").suffix(count).joined(separator: "\n")
    }
}

package struct ServeProcessError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Minimal HTTP calls over loopback with one shared AsyncHTTPClient.
package enum LoopbackHTTP {
    package struct Response: Sendable {
        package let status: Int
        package let body: String
    }

    /// Refused connections fail at once (AHC's shared client keeps retrying until its connect
    /// timeout, which makes a killed server look like a slow one).
    package static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .milliseconds(500)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    package static func request(_ method: String, _ url: String, body: [UInt8] = [], headers: [String: String] = [:]) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return Response(status: Int(response.status.code), body: String(buffer: collected))
    }
}
