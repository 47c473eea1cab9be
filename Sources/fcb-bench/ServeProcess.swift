import AsyncHTTPClient
import Foundation

/// One `fcb serve` child process on loopback, stopped with SIGTERM (then SIGKILL) at the end.
final class ServeProcess: @unchecked Sendable {  // the Process is only touched from one task
    let port: Int
    let logPath: String
    private let process = Process()

    var pid: String { String(process.processIdentifier) }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var isRunning: Bool { process.isRunning }

    init(fcb: String, arguments: [String], environment: [String: String], logPath: String) throws {
        port = try freeLoopbackPort()
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: fcb)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port)] + arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["DATABASE_URL", "META_APP_SECRET", "META_VERIFY_TOKEN", "META_ACCESS_TOKEN", "JWT_SECRET"] { env[name] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
    }

    func start() async throws {
        try await launch(process)
    }

    /// Polls `/health` until it answers 200; false if the process exits or `timeout` passes.
    func waitUntilHealthy(client: HTTPClient, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            if let response = try? await client.execute(HTTPClientRequest(url: baseURL + "/health"), timeout: .seconds(2)),
               response.status == .ok {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGTERM, up to `grace` for a clean exit, then SIGKILL.
    func stop(grace: Duration = .seconds(20)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The last lines of the server's log (for errors).
    func logTail(_ count: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(count).joined(separator: "\n")
    }
}

/// A port nothing listens on right now (bound to 0, read back, released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw UsageError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw UsageError("could not bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Starts `process` from a fresh thread with an empty signal mask. A child inherits the mask of
/// the thread that spawns it, and Swift's runtime threads block signals: spawned from one of
/// them, `fcb serve` ignores SIGTERM and `pgbench -T` never sees its SIGALRM.
func launch(_ process: Process) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do {
                try process.run()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

/// Runs a command to completion (stdout captured); nil when it cannot start or fails.
/// Blocks: call it through `runCommandDetached`.
private func runCommand(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    var none = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, nil)  // see `launch`: this runs on its own thread
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
}

/// Finds `name` on PATH.
func which(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// `runCommand` on its own thread, so a long child (wrk, pgbench) never holds a thread of
/// Swift's small cooperative pool.
func runCommandDetached(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async -> String? {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: runCommand(executable, arguments, environment: environment)) }.start()
    }
}
