import Foundation
import Synchronization

/// Writes whole lines to a file descriptor, one writer at a time, so concurrent log lines never
/// interleave.
package final class LogLineWriter: Sendable {
    package static let standardError = LogLineWriter(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let lock = Mutex(())

    package init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    @Sendable package func write(_ line: String) {
        let bytes = Array(line.utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
