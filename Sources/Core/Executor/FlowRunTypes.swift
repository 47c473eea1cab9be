import Foundation

/// The inbound message a run reacts to (reference §1.1 `messageText` + `incomingMeta`).
public struct InboundMessage: Sendable, Equatable {
    /// The text used for trigger and option matching; nil for runs without a message (broadcasts).
    public var text: String?
    /// Message type as recorded in the history (`text`, `interactive`, `image`, …); default "text".
    public var type: String?
    public var rawText: String?
    public var interactive: Interactive?
    public var image: JSONValue?
    public var video: JSONValue?
    public var audio: JSONValue?
    public var document: JSONValue?
    public var sticker: JSONValue?
    /// The parsed `response_json` of a WhatsApp Flow reply (`nfm_reply`), exposed to the flow.
    public var flowResponse: JSONValue?

    public struct Interactive: Sendable, Equatable {
        public var type: String?
        public var id: String?
        public var title: String?
        public init(type: String? = nil, id: String? = nil, title: String? = nil) {
            self.type = type
            self.id = id
            self.title = title
        }
    }

    public init(
        text: String?, type: String? = nil, rawText: String? = nil, interactive: Interactive? = nil, image: JSONValue? = nil,
        video: JSONValue? = nil, audio: JSONValue? = nil, document: JSONValue? = nil, sticker: JSONValue? = nil,
        flowResponse: JSONValue? = nil
    ) {
        self.text = text
        self.type = type
        self.rawText = rawText
        self.interactive = interactive
        self.image = image
        self.video = video
        self.audio = audio
        self.document = document
        self.sticker = sticker
        self.flowResponse = flowResponse
    }

    /// A plain text message.
    public static func text(_ text: String) -> InboundMessage { InboundMessage(text: text) }
}

/// Limits and switches of one executor.
public struct ExecutorOptions: Sendable {
    /// Node visits allowed per run; the visit after `maxSteps + 1` fails (reference: `steps++ > 500`).
    public var maxSteps = 500
    /// Delays are capped at this many milliseconds (SPEC §5: configurable, default 60 s).
    public var maxDelayMilliseconds = 60_000
    /// Entries kept in `_meta.history` and `inputHistory`.
    public var historyLimit = 50
    /// The list-message button when an options node sets no `listButton`.
    public var defaultListButton = "Ver opciones"
    /// How a delay node waits.
    public var delays: DelayMode = .sleep

    public enum DelayMode: Sendable, Equatable {
        /// Wait in the run (the clock's `sleep`): `simulate`, where a virtual clock makes it instant.
        case sleep
        /// End the run with ``FlowRunResult/waiting(nodeId:until:)``; the caller stores the resume
        /// time and continues later (`serve`: no worker blocks, a restart does not lose the delay).
        case suspend
    }

    public init(
        maxSteps: Int = 500, maxDelayMilliseconds: Int = 60_000, historyLimit: Int = 50, defaultListButton: String = "Ver opciones",
        delays: DelayMode = .sleep
    ) {
        self.maxSteps = maxSteps
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.historyLimit = historyLimit
        self.defaultListButton = defaultListButton
        self.delays = delays
    }
}

/// A send the Graph API refused, or a message that cannot be built (reference §1.12).
public struct FlowSendMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let status: Int?

    public init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }

    public var description: String { status.map { "\(message) (status \($0))" } ?? message }
}

/// Why a run stopped with an error. The session is already marked Errored when the error is
/// raised inside the loop (everything but `invalidDefinition`).
public enum FlowRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stored definition cannot be loaded; nothing was written.
    case invalidDefinition(FlowSanitizationError)
    case send(FlowSendMessageError)
    /// Node data of the wrong type where the reference would throw a TypeError.
    case nodeData(nodeId: String, message: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .invalidDefinition(let error): error.description
        case .send(let error): "FlowSendMessageError: \(error)"
        case .nodeData(let node, let message): "node '\(node)': \(message)"
        case .store(let error): "store: \(error)"
        }
    }
}

/// How a run ended.
public enum FlowRunResult: Sendable, Equatable {
    /// No trigger matched; nothing was written (reference A10).
    case noTrigger
    /// Waiting for the contact at an options or handoff node.
    case paused(nodeId: String)
    case completed
    /// Suspended at a delay: continue at `nodeId` (already the session's current node) at `until`.
    case waiting(nodeId: String, until: Date)
    /// Stopped by a guard or a missing node; the session is Errored (no exception).
    case errored(reason: String)
}

/// What happened during a run, in order: for the simulator's display and for logs.
public enum FlowRunEvent: Sendable, Equatable {
    case triggerMatched(nodeId: String, keyword: String)
    case resumed(nodeId: String, matchedOption: Int?)
    case optionsRepeated(nodeId: String)
    case node(id: String, type: NodeType)
    case sent(OutboundMessage, messageId: String?)
    case sendFailed(OutboundMessage?, error: String)
    /// A WhatsApp Flow recorded in the context but not sent (the Flow row has no Meta identifiers).
    case flowRecorded(header: String?, body: String, footer: String?, cta: String?)
    case delayed(milliseconds: Int)
    case condition(expression: String, result: Bool, error: String?)
    case apiCall(method: String, url: String, status: Int?, error: String?)
    case assigned(key: String, value: String)
    case handoff(queue: JSONValue?, note: String?)
    case ended(reason: JSONValue)
    case stopped(reason: String)
}

public struct FlowRunOutcome: Sendable, Equatable {
    public var result: FlowRunResult
    /// The session as persisted at the end of the run.
    public var session: SessionRecord
    public var events: [FlowRunEvent]
    /// Node visits in the main loop.
    public var steps: Int
}
