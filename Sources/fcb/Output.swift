import Foundation

/// Direct writes to the standard streams (unbuffered, so ordering with stderr is kept).
enum FileHandleWriter {
    static func standardOutput(_ string: String) { FileHandle.standardOutput.write(Data(string.utf8)) }
    static func standardError(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }

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
