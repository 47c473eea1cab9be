import Foundation

/// What /proc says about a process: resident memory and open file descriptors (on the server,
/// every WebSocket is one descriptor, so the count stands in for a connection count).
struct ProcessSample {
    let rssKiB: Int?
    let openFiles: Int?

    init(rssKiB: Int?, openFiles: Int?) {
        self.rssKiB = rssKiB
        self.openFiles = openFiles
    }

    init(pid: String) {
        rssKiB = Self.vmRSS(pid: pid)
        openFiles = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    static func vmRSS(pid: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    var description: String {
        "RSS \(rssKiB.map { "\($0) KiB" } ?? "?"), \(openFiles.map(String.init) ?? "?") open fds"
    }
}

/// Nearest-rank percentile of sorted values.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank - 1, 0), sorted.count - 1)]
}

func milliseconds(_ nanos: UInt64) -> Double { Double(nanos) / 1e6 }

/// Sleeps in small steps until `done` or `timeout`; true when done.
func waitUntil(timeout: Duration, step: Duration = .milliseconds(2), _ done: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !done() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: step)
    }
    return true
}

extension ProcessSample {
    /// User + system CPU seconds a process has used (`/proc/PID/stat`).
    static func cpuSeconds(pid: String) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds used by every process named `name` (e.g. all of PostgreSQL's backends).
    static func cpuSeconds(named name: String) -> Double {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = 0.0
        for pid in pids where pid.allSatisfy(\.isNumber) {
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                comm.trimmingCharacters(in: .whitespacesAndNewlines) == name
            else { continue }
            total += cpuSeconds(pid: pid) ?? 0
        }
        return total
    }
}
