import FCBTesting
import FlowEngine
import Foundation

/// The python-socketio driver (`Tests/interop/socketio_client.py`) as a child process: every
/// JSON line it prints is collected by a reader thread; the test waits for lines with bounded
/// polls and always stops the process at the end.
final class SocketIOClientProcess: @unchecked Sendable {
    let name: String
    private let process = Process()
    private let lock = NSLock()
    private var collected: [JSONValue] = []
    private var rawLines: [String] = []
    private let stderrPath: String

    static var python: String { ProcessInfo.processInfo.environment["FCB_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3" }
    static var script: String { CLI.root.appendingPathComponent("Tests/interop/socketio_client.py").path }

    init(name: String, arguments: [String]) throws {
        self.name = name
        stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-sio-\(name)-\(UUID().uuidString.prefix(6)).log").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python, "-u", Self.script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        // Loopback only: never through a proxy.
        for key in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] { environment.removeValue(forKey: key) }
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = stdout.fileHandleForReading
        let thread = Thread { [self] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    append(line)
                }
            }
            if !pending.isEmpty { append(String(decoding: pending, as: UTF8.self)) }
        }
        thread.start()
    }

    private func append(_ line: String) {
        let parsed = (try? JSONValue(parsing: line)) ?? ["kind": "unparsable", "line": .string(line)]
        lock.withLock {
            rawLines.append(line)
            collected.append(parsed)
        }
    }

    /// Every line so far.
    var lines: [JSONValue] { lock.withLock { collected } }

    /// The `event` lines so far: (name, data).
    var events: [(name: String, data: JSONValue)] {
        lines.filter { $0["kind"] == "event" }.map { ($0["name"]?.stringValue ?? "", $0["data"] ?? .null) }
    }

    func lines(kind: String) -> [JSONValue] { lines.filter { $0["kind"]?.stringValue == kind } }

    /// Waits (bounded) until `count` lines of `kind` were printed; returns them.
    @discardableResult
    func wait(kind: String, count: Int = 1, seconds: Double = 25) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let found = lines(kind: kind)
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServeProcessError("\(name): waited \(seconds)s for \(count) '\(kind)' line(s); got:\n\(transcript)")
    }

    /// Waits (bounded) until `count` server events arrived; returns all of them.
    @discardableResult
    func waitForEvents(_ count: Int, seconds: Double = 25) async throws -> [(name: String, data: JSONValue)] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let found = events
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServeProcessError("\(name): waited \(seconds)s for \(count) event(s); got:\n\(transcript)")
    }

    /// Waits (bounded) for the process to exit by itself; its status, or nil.
    func waitForExit(seconds: Double = 20) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if !process.isRunning { return process.terminationStatus }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    var pid: Int32 { process.processIdentifier }

    /// SIGKILL: the client vanishes without a goodbye.
    func killHard() async {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
        _ = await waitForExit(seconds: 10)
    }

    /// Ends the process: SIGTERM, then SIGKILL after a bounded wait.
    func stop() async {
        guard process.isRunning else { return }
        _ = Foundation.kill(process.processIdentifier, SIGTERM)
        if await waitForExit(seconds: 5) == nil { await killHard() }
    }

    var transcript: String {
        let out = lock.withLock { rawLines.joined(separator: "\n") }
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return "stdout:\n\(out)\nstderr:\n\(err.suffix(4000))"
    }
}
