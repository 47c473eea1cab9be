import Foundation

/// A recorded simulator conversation: a plain-text, diff-friendly file (`docs/simulate.md`).
///
/// ```
/// # fcb simulate transcript v1
/// # flows: examples/flows/seed-options.json
/// # from: 5491100000000
/// # context: {"contact_name":"Ada"}
/// # mock-api: order-status.mock.json
/// # options: show-payloads, verbose
///
/// > Hola
/// < bot: Welcome! How can I help?
/// < bot: Please select an option:
/// <        [1] Option 1
/// <        [2] Option 2
///
/// > 1
/// < bot: You chose option 1
/// < 🏁 ended (completed)
/// ```
/// - The first line names the format. `# key: value` lines before the first input are the
///   header; every other line starting with `#` is a comment.
/// - `> ` starts an input (a message or a slash command), exactly as typed.
/// - `< ` starts one output line, exactly as printed without colour (`<` alone: an empty line).
/// - Blank lines separate turns and are ignored.
package struct Transcript: Sendable, Equatable {
    package static let magic = "# fcb simulate transcript v1"

    package struct Turn: Sendable, Equatable {
        /// `#` comment lines written just before the input (kept when re-recording; never compared).
        package var comments: [String]
        package var input: String
        package var output: [String]
        package init(comments: [String] = [], input: String, output: [String]) {
            self.comments = comments
            self.input = input
            self.output = output
        }
    }

    /// Informative: the flows the transcript was recorded with.
    package var flows: [String]
    package var from: String?
    /// The `--context` JSON text.
    package var context: String?
    /// The `--mock-api` file, relative to the transcript's folder.
    package var mockAPI: String?
    package var showPayloads: Bool
    package var verbose: Bool
    package var turns: [Turn]

    package init(
        flows: [String] = [], from: String? = nil, context: String? = nil, mockAPI: String? = nil, showPayloads: Bool = false,
        verbose: Bool = false, turns: [Turn] = []
    ) {
        self.flows = flows
        self.from = from
        self.context = context
        self.mockAPI = mockAPI
        self.showPayloads = showPayloads
        self.verbose = verbose
        self.turns = turns
    }

    /// The inputs, in order (what `--check` replays).
    package var inputs: [String] { turns.map(\.input) }

    // MARK: Text

    package func render() -> String {
        var lines = [Self.magic]
        if !flows.isEmpty { lines.append("# flows: " + flows.joined(separator: ", ")) }
        if let from { lines.append("# from: " + from) }
        if let context { lines.append("# context: " + context) }
        if let mockAPI { lines.append("# mock-api: " + mockAPI) }
        var options: [String] = []
        if showPayloads { options.append("show-payloads") }
        if verbose { options.append("verbose") }
        if !options.isEmpty { lines.append("# options: " + options.joined(separator: ", ")) }
        for turn in turns {
            lines.append("")
            lines.append(contentsOf: turn.comments.map { $0.isEmpty ? "#" : "# " + $0 })
            lines.append("> " + turn.input)
            for output in turn.output {
                lines.append(output.isEmpty ? "<" : "< " + output)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A significant line of a transcript file (`> …` or `< …`) with its 1-based line number.
    package struct NumberedLine: Sendable, Equatable {
        package var number: Int
        package var text: String
    }

    /// Parses a transcript, also returning its `>` / `<` lines with their line numbers (for diffs).
    package static func parseNumbered(_ text: String) throws(SimulatorError) -> (Transcript, [NumberedLine]) {
        var transcript = Transcript()
        var numbered: [NumberedLine] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        if lines.last == "" { lines.removeLast() }
        guard let firstIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
            lines[firstIndex].trimmingCharacters(in: .whitespaces) == magic
        else {
            throw SimulatorError("not an fcb simulate transcript: the first line must be \"\(magic)\"")
        }
        var inHeader = true
        var comments: [String] = []
        for (offset, line) in lines.enumerated() where offset > firstIndex {
            let number = offset + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("#") {
                if !inHeader || !Self.isHeader(line) {
                    inHeader = false
                    comments.append(Self.commentText(line))
                    continue
                }
                if let colon = line.firstIndex(of: ":") {
                    let key = line[line.index(after: line.startIndex)..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    switch key {
                    case "flows": transcript.flows = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    case "from": transcript.from = value
                    case "context": transcript.context = value
                    case "mock-api": transcript.mockAPI = value
                    case "options":
                        for option in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                            switch option {
                            case "show-payloads": transcript.showPayloads = true
                            case "verbose": transcript.verbose = true
                            case "": break
                            default: throw SimulatorError("line \(number): unknown option \"\(option)\" (known: show-payloads, verbose)")
                            }
                        }
                    default: break  // a comment that happens to contain a colon
                    }
                }
                continue
            }
            if line == ">" || line.hasPrefix("> ") {
                inHeader = false
                let input = line == ">" ? "" : String(line.dropFirst(2))
                guard !input.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw SimulatorError("line \(number): an input line needs text after \"> \"")
                }
                transcript.turns.append(Turn(comments: comments, input: input, output: []))
                comments = []
                numbered.append(NumberedLine(number: number, text: String(line)))
                continue
            }
            if line == "<" || line.hasPrefix("< ") {
                guard !transcript.turns.isEmpty else {
                    throw SimulatorError("line \(number): an output line (\"< …\") before the first input (\"> …\")")
                }
                transcript.turns[transcript.turns.count - 1].output.append(line == "<" ? "" : String(line.dropFirst(2)))
                numbered.append(NumberedLine(number: number, text: String(line)))
                continue
            }
            throw SimulatorError("line \(number): expected \"> input\", \"< output\", a \"#\" comment or a blank line, got \"\(line.prefix(60))\"")
        }
        return (transcript, numbered)
    }

    package static func parse(_ text: String) throws(SimulatorError) -> Transcript {
        try parseNumbered(text).0
    }

    static let headerKeys: Set<String> = ["flows", "from", "context", "mock-api", "options"]

    /// `# key: value` with a known key.
    static func isHeader(_ line: Substring) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let key = line[line.index(after: line.startIndex)..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        return headerKeys.contains(key)
    }

    static func commentText(_ line: Substring) -> String {
        var text = line.dropFirst()
        if text.hasPrefix(" ") { text = text.dropFirst() }
        return String(text)
    }

    /// One line of a `--script` file.
    package enum ScriptLine: Sendable, Equatable {
        case input(String)
        /// A `#` comment; it is copied into a recorded transcript above the next input.
        case comment(String)
    }

    /// The lines of a `--script` file: a transcript's inputs (with their comments), or one input
    /// per line where blank lines are skipped and lines starting with `#` are comments.
    package static func scriptLines(_ text: String) throws(SimulatorError) -> [ScriptLine] {
        if text.drop(while: { $0.isWhitespace }).hasPrefix(magic) {
            return try parse(text).turns.flatMap { turn in turn.comments.map(ScriptLine.comment) + [.input(turn.input)] }
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { raw in
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            if trimmed.hasPrefix("#") { return .comment(commentText(Substring(trimmed))) }
            return .input(String(line))
        }
    }

    // MARK: Files

    /// Writes the transcript; the mock-api path is made relative to the transcript's folder.
    package func write(to path: String, mockAPIPath: String?) throws(SimulatorError) {
        var copy = self
        if let mockAPIPath { copy.mockAPI = Self.relativePath(of: mockAPIPath, fromDirectoryOf: path) }
        do {
            try Data(copy.render().utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw SimulatorError("cannot write transcript \(path): \(error.localizedDescription)")
        }
    }

    /// `target` relative to the folder holding `file` (both relative to the working directory
    /// unless absolute).
    package static func relativePath(of target: String, fromDirectoryOf file: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> [String] {
            let full = path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
            var parts: [String] = []
            for part in (full as NSString).standardizingPath.split(separator: "/") {
                if part == "." { continue }
                if part == ".." {
                    if !parts.isEmpty { parts.removeLast() }
                    continue
                }
                parts.append(String(part))
            }
            return parts
        }
        let targetParts = absolute(target)
        var directoryParts = absolute(file)
        if !directoryParts.isEmpty { directoryParts.removeLast() }
        var common = 0
        while common < min(targetParts.count, directoryParts.count), targetParts[common] == directoryParts[common] {
            common += 1
        }
        let ups = Array(repeating: "..", count: directoryParts.count - common)
        let rest = targetParts[common...]
        let joined = (ups + rest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }
}
