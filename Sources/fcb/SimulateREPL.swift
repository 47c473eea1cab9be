import CReadline
import FCBSimulator
import Foundation

/// Where the simulator's input lines come from.
protocol SimulateLineSource {
    /// The next line, or nil at the end (Ctrl-D, end of file or script).
    mutating func next() async -> String?
}

/// GNU readline on a terminal: line editing, Tab completion of slash commands, and a history
/// file (`~/.fcb_history`, the last 500 lines).
struct ReadlineSource: SimulateLineSource {
    let prompt: String
    let historyFile: String?

    init(prompt: String, historyFile: String?) {
        self.prompt = prompt
        self.historyFile = historyFile
        fcb_rl_set_readline_name(Self.readlineName)
        fcb_rl_install_completion()
        using_history()
        if let historyFile { _ = read_history(historyFile) }
        stifle_history(500)
    }

    /// readline keeps the pointer, so it must live as long as the process.
    nonisolated(unsafe) private static let readlineName: UnsafeMutablePointer<CChar>? = strdup("fcb")

    mutating func next() -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            if let historyFile { _ = write_history(historyFile) }
        }
        return line
    }

    static var libraryVersion: String { fcb_rl_library_version().map { String(cString: $0) } ?? "unknown" }
}

/// Standard input that is not a terminal (a pipe or a file): no prompt, no line editing.
struct StandardInputSource: SimulateLineSource {
    mutating func next() -> String? { Swift.readLine(strippingNewline: true) }
}

/// The inputs of a `--script` file; its comments go to the transcript.
struct ScriptSource: SimulateLineSource {
    var lines: [Transcript.ScriptLine]
    let simulator: Simulator

    /// The next input, after handing the comments before it to the simulator.
    mutating func next() async -> String? {
        while !lines.isEmpty {
            switch lines.removeFirst() {
            case .comment(let text): await simulator.annotate(text)
            case .input(let input): return input
            }
        }
        return nil
    }
}

/// Terminal colours for simulator lines (only on a TTY without NO_COLOR or --no-color).
enum SimulateStyle {
    static func paint(_ line: SimulatorLine, colour: Bool) -> String {
        guard colour else { return line.text }
        let code: String
        switch line.kind {
        case .bot:
            if line.text.hasPrefix(SimulatorRenderer.botPrefix) {
                return "\u{1B}[1;32mbot:\u{1B}[0m" + line.text.dropFirst(SimulatorRenderer.botPrefix.count - 1)
            }
            return line.text
        case .event: code = "36"
        case .trace: code = "2"
        case .payload: code = "2;34"
        case .error: code = "1;31"
        case .info: code = "33"
        case .notice: code = "35"
        }
        return "\u{1B}[\(code)m\(line.text)\u{1B}[0m"
    }

    static func echo(_ input: String, colour: Bool) -> String {
        colour ? "\u{1B}[1m> \(input)\u{1B}[0m" : "> \(input)"
    }

    /// A readline prompt; colour codes are wrapped in \001 … \002 so readline measures it right.
    static func prompt(colour: Bool) -> String {
        colour ? "\u{1}\u{1B}[1;34m\u{2}you>\u{1}\u{1B}[0m\u{2} " : "you> "
    }
}

extension String {
    /// `~` and `~/…` expanded with $HOME.
    var expandingTilde: String {
        guard hasPrefix("~") else { return self }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        if self == "~" { return home }
        if hasPrefix("~/") { return home + dropFirst(1) }
        return self
    }
}
