import Foundation

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
    pthread_sigmask(SIG_SETMASK, &none, nil)  // a child inherits this thread's mask; Swift's runtime threads block signals
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
