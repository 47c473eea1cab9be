import FCBSupport
import Foundation

/// The inbound message a run reacts to (the old executor's `messageText` + `incomingMeta`;
/// docs/compatibility.md#what-a-run-gets).
package struct InboundMessage: Sendable, Equatable {
    /// The text used for trigger and option matching; nil for runs without a message (broadcasts).
    package var text: String?
    /// Message type as recorded in the history (`text`, `interactive`, `image`, …); default "text".
    package var type: String?
    package var rawText: String?
    package var interactive: Interactive?
    package var image: JSONValue?
    package var video: JSONValue?
    package var audio: JSONValue?
    package var document: JSONValue?
    package var sticker: JSONValue?
    /// The parsed `response_json` of a WhatsApp Flow reply (`nfm_reply`), exposed to the flow.
    package var flowResponse: JSONValue?

    package struct Interactive: Sendable, Equatable {
        package var type: String?
        package var id: String?
        package var title: String?
        package init(type: String? = nil, id: String? = nil, title: String? = nil) {
            self.type = type
            self.id = id
            self.title = title
        }
    }

    package init(
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
    package static func text(_ text: String) -> InboundMessage { InboundMessage(text: text) }
}

/// Limits and switches of one executor.
package struct ExecutorOptions: Sendable {
    /// Node visits allowed per run; the visit after `maxSteps + 1` fails (the old executor's
    /// `steps++ > 500`; docs/compatibility.md#guards).
    package var maxSteps = 500
    /// Delays are capped at this many milliseconds (configurable, default 60 s;
    /// docs/differences.md#delays-are-resume-times).
    package var maxDelayMilliseconds = 60_000
    /// Entries kept in `_meta.history` and `inputHistory`.
    package var historyLimit = 50
    /// The list-message button when an options node sets no `listButton`.
    package var defaultListButton = "Ver opciones"
    /// How a delay node waits.
    package var delays: DelayMode = .sleep

    package enum DelayMode: Sendable, Equatable {
        /// Wait in the run (the clock's `sleep`): `simulate`, where a virtual clock makes it instant.
        case sleep
        /// End the run with ``FlowRunResult/waiting(nodeId:until:)``; the caller stores the resume
        /// time and continues later (`serve`: no worker blocks, a restart does not lose the delay).
        case suspend
    }

    package init(
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

/// A send the Graph API refused, or a message that cannot be built (docs/compatibility.md#run-errors).
package struct FlowSendMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String
    package let status: Int?

    package init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }

    package var description: String { status.map { "\(message) (status \($0))" } ?? message }
}

/// Why a run stopped with an error. The session is already marked Errored when the error is
/// raised inside the loop (everything but `invalidDefinition`).
package enum FlowRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stored definition cannot be loaded; nothing was written.
    case invalidDefinition(FlowSanitizationError)
    case send(FlowSendMessageError)
    /// Node data of the wrong type where the reference would throw a TypeError.
    case nodeData(nodeId: String, message: String)
    case store(StoreError)
    /// Meta did not accept a send; the run stops before it, to send it again at `until`. The
    /// session stays where it is (not Errored).
    case sendDeferred(until: Date, reason: String)

    package var description: String {
        switch self {
        case .invalidDefinition(let error): error.description
        case .send(let error): "FlowSendMessageError: \(error)"
        case .nodeData(let node, let message): "node '\(node)': \(message)"
        case .store(let error): "store: \(error)"
        case .sendDeferred(let until, let reason): "send deferred until \(ISOTimestamp.string(until)): \(reason)"
        }
    }
}

/// How a run ended.
package enum FlowRunResult: Sendable, Equatable {
    /// No trigger matched; nothing was written (docs/compatibility.md#where-a-run-starts, B).
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
package enum FlowRunEvent: Sendable, Equatable {
    case triggerMatched(nodeId: String, keyword: String)
    case resumed(nodeId: String, matchedOption: Int?)
    case optionsRepeated(nodeId: String)
    case node(id: String, type: NodeType)
    case sent(OutboundMessage, messageId: String?)
    case sendFailed(OutboundMessage?, error: String)
    /// Meta did not accept the message; it is sent again at `until` (the run stops here).
    case sendDeferred(OutboundMessage, error: String, until: Date)
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

package struct FlowRunOutcome: Sendable, Equatable {
    package var result: FlowRunResult
    /// The session as persisted at the end of the run.
    package var session: SessionRecord
    package var events: [FlowRunEvent]
    /// Node visits in the main loop.
    package var steps: Int
}
