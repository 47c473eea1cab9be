import FlowEngine
import Foundation

/// One line typed in the simulator: a message from the contact or a slash command.
package enum SimulatorInput: Sendable, Equatable {
    /// Blank line: nothing is sent.
    case empty
    /// Text from the contact (it may select a button or list row of the last bot message).
    case message(String)
    case command(SimulatorCommand)
    /// A slash command that cannot be run; the text says why and what to type instead.
    case invalid(String)

    package static func parse(_ line: String) -> SimulatorInput {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .empty }
        guard trimmed.hasPrefix("/") else { return .message(line.trimmingCharacters(in: .newlines)) }
        let name: Substring
        let rest: Substring
        if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) {
            name = trimmed[..<space]
            rest = trimmed[space...].drop(while: { $0 == " " || $0 == "\t" })
        } else {
            name = Substring(trimmed)
            rest = ""
        }
        let argument = String(rest)
        switch name.lowercased() {
        case "/help", "/?":
            return .command(.help)
        case "/vars":
            if argument.isEmpty { return .command(.vars(all: false)) }
            if argument.lowercased() == "all" { return .command(.vars(all: true)) }
            return .invalid("usage: /vars [all]   (all also shows _meta.history)")
        case "/node":
            return argument.isEmpty ? .command(.node) : .invalid("usage: /node")
        case "/history":
            return argument.isEmpty ? .command(.history) : .invalid("usage: /history")
        case "/reset":
            return argument.isEmpty ? .command(.reset) : .invalid("usage: /reset")
        case "/timeout":
            return argument.isEmpty ? .command(.timeout) : .invalid("usage: /timeout   (moves the clock past the session timeout)")
        case "/advance":
            guard !argument.isEmpty else {
                return .invalid("usage: /advance DURATION, e.g. /advance 30s, /advance 5m, /advance 2h, /advance 1d, /advance 1h30m")
            }
            guard let milliseconds = SimulatorDuration.parse(argument) else {
                return .invalid("cannot read \"\(argument)\" as a duration: use a number with a unit, e.g. 30s, 5m, 2h, 1d or 1h30m (ms, s, m, h, d)")
            }
            return .command(.advance(milliseconds: milliseconds))
        case "/click":
            guard let number = Int(argument), number >= 1 else { return .invalid("usage: /click N   (N is the number shown next to a button or list row)") }
            return .command(.click(number))
        case "/text", "/say":
            guard !argument.isEmpty else {
                return .invalid("usage: /text MESSAGE   (sends MESSAGE as plain text, even if it looks like a command or a button number)")
            }
            return .command(.text(argument))
        case "/send-media", "/media":
            switch SimulatedMedia.parse(argument) {
            case .success(let media): return .command(.sendMedia(media))
            case .failure(let error): return .invalid(error.message)
            }
        case "/save":
            guard !argument.isEmpty else { return .invalid("usage: /save FILE   (writes the transcript so far)") }
            return .command(.save(path: argument))
        case "/quit", "/exit", "/q":
            return .command(.quit)
        default:
            return .invalid("unknown command \(name): type /help for the commands; to send it as a message, type /text \(trimmed)")
        }
    }
}

/// The simulator's slash commands (docs/simulate.md#commands).
package enum SimulatorCommand: Sendable, Equatable {
    case help
    /// The session context as JSON; `_meta.history` elided unless `all`.
    case vars(all: Bool)
    /// Current node, its type and the session status.
    case node
    /// The conversation as the dashboard shows it (from `_meta.history`).
    case history
    /// Completes the contact's open session; the next message starts a fresh one.
    case reset
    /// Moves the virtual clock forward.
    case advance(milliseconds: Int)
    /// Moves the virtual clock just past the session timeout.
    case timeout
    /// An inbound media message.
    case sendMedia(SimulatedMedia)
    /// Selects button / list row N of the last interactive bot message.
    case click(Int)
    /// Sends the text as a plain message, never as a button choice.
    case text(String)
    case save(path: String)
    case quit

    /// Commands that are part of the conversation and therefore recorded in transcripts.
    package var isRecorded: Bool {
        switch self {
        case .help, .save, .quit: false
        default: true
        }
    }
}

/// `/send-media KIND [URL|ID] [CAPTION…]`.
package struct SimulatedMedia: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case image, document, video, audio, sticker
    }
    package var kind: Kind
    /// A link (`https://…`) when the second word has `://`.
    package var url: String?
    /// A media id when the second word is all digits.
    package var id: String?
    package var caption: String?

    package init(kind: Kind, url: String? = nil, id: String? = nil, caption: String? = nil) {
        self.kind = kind
        self.url = url
        self.id = id
        self.caption = caption
    }

    package static func parse(_ argument: String) -> Result<SimulatedMedia, SimulatorError> {
        let usage = "usage: /send-media image|document|video|audio|sticker [URL|MEDIA_ID] [CAPTION…]"
        let words = argument.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = words.first else { return .failure(SimulatorError(usage)) }
        guard let kind = Kind(rawValue: first.lowercased()) else {
            return .failure(SimulatorError("unknown media type \"\(first)\"; \(usage)"))
        }
        var media = SimulatedMedia(kind: kind)
        guard words.count > 1 else { return .success(media) }
        var rest = String(words[1]).trimmingCharacters(in: .whitespaces)
        let source = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        if let word = source.first {
            if word.contains("://") {
                media.url = String(word)
                rest = source.count > 1 ? String(source[1]) : ""
            } else if word.allSatisfy({ $0.isASCII && $0.isNumber }) {
                media.id = String(word)
                rest = source.count > 1 ? String(source[1]) : ""
            }
        }
        let caption = rest.trimmingCharacters(in: .whitespaces)
        media.caption = caption.isEmpty ? nil : caption
        return .success(media)
    }

    static func mimeType(kind: Kind, name: String?) -> String {
        let ext = name.map { ($0 as NSString).pathExtension.lowercased() } ?? ""
        let known: [String: String] = [
            "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf",
            "mp4": "video/mp4", "3gp": "video/3gpp", "ogg": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4",
            "txt": "text/plain", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ]
        if let type = known[ext] { return type }
        switch kind {
        case .image: return "image/jpeg"
        case .document: return "application/pdf"
        case .video: return "video/mp4"
        case .audio: return "audio/ogg; codecs=opus"
        case .sticker: return "image/webp"
        }
    }

    /// The inbound message `serve` would build from the webhook: type = the media kind, the
    /// media object as Meta delivers it (`id`, `mime_type`, `caption`, `filename`; `link` for a
    /// URL), and the text fcb extracts (docs/compatibility.md#inbound-messages): the caption
    /// (image, video, document), else the file name (document), else `[kind]`.
    package func inbound(generatedId: String) -> InboundMessage {
        var object = JSONObject()
        if let url {
            object["link"] = .string(url)
        } else {
            object["id"] = .string(id ?? generatedId)
        }
        var filename: String?
        if kind == .document {
            let last = url.flatMap { URL(string: $0)?.lastPathComponent }.flatMap { $0.isEmpty || $0 == "/" ? nil : $0 }
            filename = last ?? "document.pdf"
        }
        object["mime_type"] = .string(Self.mimeType(kind: kind, name: filename ?? url))
        let captionAllowed = kind == .image || kind == .video || kind == .document
        if captionAllowed, let caption { object["caption"] = .string(caption) }
        if let filename { object["filename"] = .string(filename) }
        let text = (captionAllowed ? caption : nil) ?? filename ?? "[\(kind.rawValue)]"
        var message = InboundMessage(text: text, type: kind.rawValue, rawText: text)
        switch kind {
        case .image: message.image = .object(object)
        case .document: message.document = .object(object)
        case .video: message.video = .object(object)
        case .audio: message.audio = .object(object)
        case .sticker: message.sticker = .object(object)
        }
        return message
    }
}

/// `/advance` durations: `30s`, `5m`, `2h`, `1d`, `250ms`, combinations such as `1h30m`, and
/// decimals (`1.5h`). A bare number is seconds.
package enum SimulatorDuration {
    /// 400 days: enough for any timeout, small enough never to overflow a date.
    package static let maximumMilliseconds = 400 * 86_400_000

    package static func parse(_ text: String) -> Int? {
        let input = text.lowercased().filter { !$0.isWhitespace }
        guard !input.isEmpty else { return nil }
        if let seconds = Double(input), seconds.isFinite, seconds >= 0 {
            return clamp(seconds * 1000)
        }
        var total = 0.0
        var index = input.startIndex
        var sawComponent = false
        while index < input.endIndex {
            let numberStart = index
            while index < input.endIndex, input[index].isNumber || input[index] == "." { index = input.index(after: index) }
            guard numberStart < index, let value = Double(input[numberStart..<index]), value.isFinite else { return nil }
            let unitStart = index
            while index < input.endIndex, input[index].isLetter { index = input.index(after: index) }
            let unit = String(input[unitStart..<index])
            let factor: Double
            switch unit {
            case "ms": factor = 1
            case "s", "sec", "secs", "second", "seconds": factor = 1000
            case "m", "min", "mins", "minute", "minutes": factor = 60_000
            case "h", "hr", "hrs", "hour", "hours": factor = 3_600_000
            case "d", "day", "days": factor = 86_400_000
            default: return nil
            }
            total += value * factor
            sawComponent = true
        }
        return sawComponent ? clamp(total) : nil
    }

    private static func clamp(_ milliseconds: Double) -> Int? {
        guard milliseconds.isFinite, milliseconds >= 0, milliseconds <= Double(maximumMilliseconds) else { return nil }
        return Int(milliseconds.rounded())
    }

    /// `2d 3h`, `25h`, `1h 30m`, `5m`, `3s`, `1.5s`, `250ms`.
    package static func format(milliseconds: Int) -> String {
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
            let tenths = (Double(milliseconds) / 100).rounded() / 10
            return tenths == tenths.rounded() ? "\(Int(tenths))s" : "\(tenths)s"
        }
        var rest = milliseconds / 1000
        // Whole days only from 48 h on: "25h" reads better than "1d 1h" next to a 24 h timeout.
        let days = rest >= 2 * 86_400 ? rest / 86_400 : 0
        rest -= days * 86_400
        let hours = rest / 3600
        rest %= 3600
        let minutes = rest / 60
        let seconds = rest % 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 { parts.append("\(minutes)m") }
        if seconds > 0 { parts.append("\(seconds)s") }
        return parts.joined(separator: " ")
    }
}

/// The numbered choices of the last interactive bot message and how a typed line selects one.
package struct SimulatorChoice: Sendable, Equatable {
    /// 1-based, as shown.
    package var number: Int
    /// The button / row id sent to WhatsApp (and returned in the reply).
    package var id: String
    package var title: String
    /// `button_reply` or `list_reply`.
    package var replyType: String

    package init(number: Int, id: String, title: String, replyType: String) {
        self.number = number
        self.id = id
        self.title = title
        self.replyType = replyType
    }

    /// The choices a message offers, or nil when it has no buttons or rows.
    package static func choices(in message: OutboundMessage) -> [SimulatorChoice]? {
        switch message {
        case .buttons(_, let buttons):
            return buttons.enumerated().map { SimulatorChoice(number: $0.offset + 1, id: $0.element.id, title: $0.element.title, replyType: "button_reply") }
        case .list(_, _, let sections):
            let rows = sections.flatMap(\.rows)
            return rows.enumerated().map { SimulatorChoice(number: $0.offset + 1, id: $0.element.id, title: $0.element.title, replyType: "list_reply") }
        default:
            return nil
        }
    }

    /// The choice a typed line selects: its number ("2"), or its title (trimmed, case- and
    /// accent-insensitive).
    package static func match(_ text: String, in choices: [SimulatorChoice]) -> SimulatorChoice? {
        let trimmed = text.trimmingJSWhitespace()
        if let number = Int(trimmed), let choice = choices.first(where: { $0.number == number }) { return choice }
        guard let typed = TextNormalization.triggerKey(trimmed) else { return nil }
        return choices.first { TextNormalization.triggerKey($0.title) == typed }
    }

    /// The inbound message WhatsApp delivers when the contact taps this choice (what `serve`
    /// builds from an `interactive` webhook message; docs/compatibility.md#inbound-messages).
    package var inbound: InboundMessage {
        InboundMessage(text: title, type: "interactive", rawText: title, interactive: .init(type: replyType, id: id, title: title))
    }
}
