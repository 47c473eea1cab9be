import Foundation

/// Direct writes to the standard streams (unbuffered, so ordering with stderr is kept).
enum FileHandleWriter {
    /// When the reader has gone (`fcb … | head -1`), stop as a process killed by SIGPIPE
    /// would (status 141) instead of trapping in Foundation's non-throwing `write`.
    static func standardOutput(_ string: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(string.utf8))
        } catch {
            exit(141)
        }
    }

    /// Diagnostics are best effort: a closed standard error loses them, nothing else.
    static func standardError(_ string: String) { try? FileHandle.standardError.write(contentsOf: Data(string.utf8)) }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// NO_COLOR set to anything non-empty disables colour (https://no-color.org). Read once:
    /// the environment does not change while fcb runs.
    private static let noColor: Bool = {
        guard let value = getenv("NO_COLOR") else { return false }
        return value.pointee != 0
    }()

    /// Colour only on a terminal, never when NO_COLOR is set.
    static func useColour(fd: Int32) -> Bool { !noColor && isTerminal(fd) }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.standardError(string)
    }
}
