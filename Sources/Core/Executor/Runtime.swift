import Foundation
import Synchronization

/// Time as the executor sees it. Delays go through `sleep`, so a virtual clock runs a flow
/// with delays instantly and deterministically.
public protocol FlowClock: Sendable {
    func now() -> Date
    /// Waits `milliseconds` (the clock decides what waiting means).
    func sleep(milliseconds: Int) async throws
}

/// Wall-clock time; `sleep` really sleeps.
public struct SystemClock: FlowClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(milliseconds: Int) async throws {
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
}

/// A clock that only moves when told to: `sleep` advances it instantly.
public final class VirtualClock: FlowClock {
    private let current: Mutex<Date>

    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func sleep(milliseconds: Int) async throws {
        advance(milliseconds: milliseconds)
    }

    public func advance(milliseconds: Int) {
        current.withLock { $0 = $0.addingTimeInterval(Double(milliseconds) / 1000) }
    }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}

/// Ids for new rows: cuid-style (25 characters, starting with `c`), as Prisma's `cuid()` writes.
public protocol IDGenerator: Sendable {
    func next() -> String
}

/// cuid v1 layout: `c` + timestamp (8) + counter (4) + fingerprint (4) + random (8), base 36.
public final class CUIDGenerator: IDGenerator {
    private let counter = Mutex<UInt64>(0)
    private let fingerprint: String

    public init() {
        let pid = UInt64(ProcessInfo.processInfo.processIdentifier)
        let host = ProcessInfo.processInfo.hostName.utf8.reduce(UInt64(ProcessInfo.processInfo.hostName.utf8.count + 36)) { $0 &+ UInt64($1) }
        fingerprint = CUIDGenerator.pad(pid % 1296, 2) + CUIDGenerator.pad(host % 1296, 2)
    }

    public func next() -> String {
        let count = counter.withLock { value -> UInt64 in
            value = (value + 1) % 1_679_616  // 36^4
            return value
        }
        let millis = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let random = UInt64.random(in: 0..<2_821_109_907_456)  // 36^8
        return "c" + Self.pad(millis % 2_821_109_907_456, 8) + Self.pad(count, 4) + fingerprint + Self.pad(random, 8)
    }

    static func pad(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value, radix: 36)
        return digits.count >= width ? String(digits.suffix(width)) : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Deterministic ids for tests and transcripts: `c` + a 24-digit base-36 counter with a prefix.
public final class SequentialIDGenerator: IDGenerator {
    private let counter = Mutex<UInt64>(0)
    private let prefix: String

    /// `prefix` (lower-case letters/digits) is placed after the `c`, e.g. "sim" → `csim000…001`.
    public init(prefix: String = "") {
        self.prefix = String(prefix.prefix(12))
    }

    public func next() -> String {
        let n = counter.withLock { value -> UInt64 in
            value += 1
            return value
        }
        return "c" + prefix + CUIDGenerator.pad(n, 24 - prefix.count)
    }
}

/// Delivers one message to a contact (the Graph API sender in `serve`, a recorder in `simulate`).
public protocol FlowSender: Sendable {
    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult
}

/// ISO-8601 with milliseconds in UTC, as JavaScript's `Date.toISOString()` writes it.
public enum ISOTimestamp {
    /// JavaScript's Date range: ±8.64e15 ms (±100,000,000 days) around the epoch.
    public static let maxSeconds: Double = 8.64e12

    /// Dates outside JavaScript's range are clamped to it (never a trap on external data).
    public static func string(_ date: Date) -> String {
        let raw = date.timeIntervalSince1970
        let clamped = raw.isFinite ? min(max(raw, -maxSeconds), maxSeconds) : 0
        let millis = Int64((clamped * 1000 + 0.000_5).rounded(.down))  // tolerate float error below 1 µs
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = Int(millis - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let year = Int32(parts.tm_year) + 1900
        let yearText = year >= 0 && year <= 9999 ? pad(year, 4) : (year < 0 ? "-" + pad(-year, 6) : "+" + pad(year, 6))
        return "\(yearText)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }
}
