import Foundation

/// Direct writes to the standard streams (unbuffered, so ordering with stderr is kept).
enum FileHandleWriter {
    static func standardOutput(_ string: String) { FileHandle.standardOutput.write(Data(string.utf8)) }
    static func standardError(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Colour only on a terminal, never when NO_COLOR is set (https://no-color.org).
    static func useColour(fd: Int32) -> Bool {
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty { return false }
        return isTerminal(fd)
    }
}
