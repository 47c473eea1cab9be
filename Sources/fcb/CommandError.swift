import ArgumentParser
import FlowEngine
import Foundation

/// How an fcb command ends when it does not succeed. Commands throw these (or ArgumentParser's
/// own errors, or `ExitCode` for a status whose explanation they already printed); `FCB.main()`
/// prints them in one place and exits with the status docs/cli.md promises:
///
/// | status | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | a finding or a failure (invalid flow, bad signature, a failed delivery or migration) |
/// | 2 | a usage error (with the command's usage line) or input that cannot be read |
enum CommandError: Error, CustomStringConvertible {
    /// The command line cannot work: missing or conflicting arguments, values out of range.
    case usage(String)
    /// An input cannot be read: a file, a directory, the database, the configuration.
    case unreadableInput(String)
    /// The command ran and failed.
    case failure(String)

    var description: String {
        switch self {
        case .usage(let message), .unreadableInput(let message), .failure(let message): message
        }
    }

    var exitStatus: Int32 {
        switch self {
        case .usage, .unreadableInput: 2
        case .failure: 1
        }
    }
}

/// The one place fcb turns an error into text on standard error and an exit status.
enum CommandExit {
    /// An error from parsing the command line (ArgumentParser's text already carries the usage
    /// line). `--help` and `--version` end here too, on standard output with status 0.
    static func parsing(_ error: any Error) -> Never {
        let status = FCB.exitCode(for: error)
        let text = FCB.fullMessage(for: error)
        if status.isSuccess {
            if !text.isEmpty { FileHandleWriter.standardOutput(text + "\n") }
            exit(0)
        }
        // fcb's diagnostics all start with a lower-case `error:` (compiler style).
        let diagnostic = text.hasPrefix("Error: ") ? "error: " + text.dropFirst("Error: ".count) : Substring(text)
        FileHandleWriter.standardError(diagnostic + "\n")
        // ArgumentParser uses 64 (EX_USAGE) for usage errors; fcb's usage status is 2.
        exit(status.rawValue == ExitCode.validationFailure.rawValue ? 2 : status.rawValue)
    }

    /// An error thrown by `command`'s `run()`.
    static func running(_ error: any Error, in command: any ParsableCommand.Type) -> Never {
        switch error {
        case let exitCode as ExitCode:
            exit(exitCode.rawValue)  // the command already said why
        case let commandError as CommandError:
            report(commandError, in: command)
        case let validation as ValidationError:
            report(.usage(validation.message), in: command)
        case let storeError as StoreError:
            report(.unreadableInput(storeError.message), in: command)
        default:
            let status = FCB.exitCode(for: error)
            // ArgumentParser's own requests and errors raised while running (`--help` is a
            // built-in command whose run throws a help request).
            if status.isSuccess || status.rawValue == ExitCode.validationFailure.rawValue { parsing(error) }
            // An error fcb did not put into words; ArgumentParser's text for it, status 1.
            let text = FCB.message(for: error)
            report(.failure(text.isEmpty ? String(describing: error) : text), in: command)
        }
    }

    private static func report(_ error: CommandError, in command: any ParsableCommand.Type) -> Never {
        FileHandleWriter.standardError("error: \(error.description)\n")
        if case .usage = error { FileHandleWriter.standardError(usageHint(command)) }
        exit(error.exitStatus)
    }

    private static func usageHint(_ command: any ParsableCommand.Type) -> String {
        let path = (["fcb"] + (commandPath(to: command, from: FCB.self) ?? [])).joined(separator: " ")
        return "Usage: \(FCB.usageString(for: command))\n  See '\(path) --help' for more information.\n"
    }

    /// The subcommand names from `root` down to `command` (`["dev", "fake-graph"]`).
    private static func commandPath(to command: any ParsableCommand.Type, from root: any ParsableCommand.Type) -> [String]? {
        if command == root { return [] }
        for subcommand in root.configuration.subcommands {
            if let rest = commandPath(to: command, from: subcommand) { return [subcommand._commandName] + rest }
        }
        return nil
    }
}
