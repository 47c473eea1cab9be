import ArgumentParser

/// Subcommands whose capability has not landed yet say so clearly and exit with status 2.
struct NotYetAvailable: Error, CustomStringConvertible {
    let command: String
    let issue: Int

    var description: String {
        "fcb \(command) is not yet available in this build (tracked in issue #\(issue)); see `fcb \(command) --help` for what it will do."
    }

    func exit() throws -> Never {
        var standardError = StandardError()
        print("error: \(description)", to: &standardError)
        throw ExitCode(2)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.standardError(string)
    }
}
