import Foundation
import Synchronization

/// Ids for new rows: cuid-style (25 characters, starting with `c`), as Prisma's `cuid()` writes.
package protocol IDGenerator: Sendable {
    func next() -> String
}

/// cuid v1 layout: `c` + timestamp (8) + counter (4) + fingerprint (4) + random (8), base 36.
package final class CUIDGenerator: IDGenerator {
    private let counter = Mutex<UInt64>(0)
    private let fingerprint: String

    package init() {
        let pid = UInt64(ProcessInfo.processInfo.processIdentifier)
        let host = ProcessInfo.processInfo.hostName.utf8.reduce(UInt64(ProcessInfo.processInfo.hostName.utf8.count + 36)) { $0 &+ UInt64($1) }
        fingerprint = CUIDGenerator.pad(pid % 1296, 2) + CUIDGenerator.pad(host % 1296, 2)
    }

    package func next() -> String {
        let count = counter.withLock { value -> UInt64 in
            value = (value + 1) % 1_679_616  // 36^4
            return value
        }
        let millis = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let random = UInt64.random(in: 0..<2_821_109_907_456)  // 36^8
        return "c" + Self.pad(millis % 2_821_109_907_456, 8) + Self.pad(count, 4) + fingerprint + Self.pad(random, 8)
    }

    package static func pad(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value, radix: 36)
        return digits.count >= width ? String(digits.suffix(width)) : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Deterministic ids for tests and transcripts: `c` + a 24-digit base-36 counter with a prefix.
package final class SequentialIDGenerator: IDGenerator {
    private let counter = Mutex<UInt64>(0)
    private let prefix: String

    /// `prefix` (lower-case letters/digits) is placed after the `c`, e.g. "sim" → `csim000…001`.
    package init(prefix: String = "") {
        self.prefix = String(prefix.prefix(12))
    }

    package func next() -> String {
        let n = counter.withLock { value -> UInt64 in
            value += 1
            return value
        }
        return "c" + prefix + CUIDGenerator.pad(n, 24 - prefix.count)
    }
}
