import FCBSupport
import Foundation

/// The inbound payload recorded in the history (docs/compatibility.md#what-a-run-gets,
/// docs/compatibility.md#conversation-history).
struct InboundPayload {
    var text: String
    var type: String
    var raw: String?
    /// Set on options resume only (`nil` = undefined).
    var optionIndex: Int?
    /// Set on options resume only: `.some(nil)` means "no option matched".
    var matchedOption: String??
    var interactiveId: String?
    var interactiveType: String?
    var interactiveTitle: String?
    var media: [(key: String, value: JSONValue)]
    var flowResponse: JSONValue?

    init(_ message: InboundMessage?) {
        text = message?.text ?? ""
        type = message?.type ?? "text"
        raw = message?.rawText ?? message?.text
        interactiveId = message?.interactive?.id
        interactiveType = message?.interactive?.type
        interactiveTitle = message?.interactive?.title
        media = [
            ("image", message?.image ?? .null), ("video", message?.video ?? .null), ("audio", message?.audio ?? .null),
            ("document", message?.document ?? .null), ("sticker", message?.sticker ?? .null),
        ]
        flowResponse = message?.flowResponse
    }
}

/// Writes the context keys and `_meta.history` entries exactly as the reference executor does;
/// the dashboard builds its conversation view from them.
struct ContextBook {
    var context: JSONObject
    let historyLimit: Int
    private var lastTimestamp: (date: Date, text: JSONValue)?

    init(context: JSONObject, historyLimit: Int) {
        self.context = context
        self.historyLimit = historyLimit
    }

    private static func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    /// `ensureMeta()` + push, keeping the last `historyLimit` entries. The old values are
    /// released before mutation (keeping key positions) so the arrays are appended in place.
    private mutating func pushHistory(_ entry: JSONObject) {
        var meta = context["_meta"]?.objectValue ?? [:]
        if context["_meta"] != nil { context["_meta"] = .null }
        var history = meta["history"]?.arrayValue ?? []
        if meta["history"] != nil { meta["history"] = .null }
        history.append(.object(entry))
        if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        meta["history"] = .array(history)
        context["_meta"] = .object(meta)
    }

    /// `toISOString()` of `now`, memoised: a run's writes mostly share one timestamp.
    private mutating func timestamp(_ now: Date) -> JSONValue {
        if let last = lastTimestamp, last.date == now { return last.text }
        let text = JSONValue.string(ISOTimestamp.string(now))
        lastTimestamp = (now, text)
        return text
    }

    mutating func recordInbound(_ p: InboundPayload, at now: Date) {
        let ts = timestamp(now)
        let trimmed = p.text.trimmingJSWhitespace()
        let normalized = trimmed.jsLowercased()

        var payload: JSONObject = ["text": .string(p.text)]
        if let index = p.optionIndex { payload["optionIndex"] = .number(Double(index)) }
        if let matched = p.matchedOption { payload["matchedOption"] = Self.string(matched) }
        payload["interactiveId"] = Self.string(p.interactiveId)
        payload["interactiveType"] = Self.string(p.interactiveType)
        payload["interactiveTitle"] = Self.string(p.interactiveTitle)
        for (key, value) in p.media { payload[key] = value }
        if let response = p.flowResponse { payload["flowResponse"] = response }
        pushHistory(["direction": "in", "type": .string(p.type), "timestamp": ts, "payload": .object(payload)])

        context["lastInteractionAt"] = ts
        context["lastInboundAt"] = ts
        context["lastInboundType"] = .string(p.type)
        context["lastUserMessage"] = .string(p.text)
        context["lastUserMessageTrimmed"] = .string(trimmed)
        context["lastUserMessageNormalized"] = .string(normalized)
        context["lastUserMessageAt"] = ts
        context["input"] = .string(p.text)
        context["lastInput"] = .string(p.text)
        context["lastInputTrimmed"] = .string(trimmed)
        context["lastInputNormalized"] = .string(normalized)
        context["lastUserMessageRaw"] = Self.string(p.raw)
        context["lastInteractiveId"] = Self.string(p.interactiveId)
        context["lastInteractiveType"] = Self.string(p.interactiveType)
        context["lastInteractiveTitle"] = Self.string(p.interactiveTitle)
        if let index = p.optionIndex {
            context["lastSelectedOptionIndex"] = .number(Double(index))
        } else if case .some(.none) = p.matchedOption {
            context["lastSelectedOptionIndex"] = .null
        }
        if let matched = p.matchedOption {
            context["lastSelectedOption"] = Self.string(matched)
            context["lastOptionMatched"] = .bool(matched != nil)
        }
        if let response = p.flowResponse { context["lastFlowResponse"] = response }

        var inputs = context["inputHistory"]?.arrayValue ?? []
        inputs.append(["text": .string(p.text), "timestamp": ts])
        if inputs.count > historyLimit { inputs.removeFirst(inputs.count - historyLimit) }
        context["inputHistory"] = .array(inputs)

        let previous = context["messageCount"]?.numberValue.flatMap { $0.isFinite ? $0 : nil } ?? 0
        context["messageCount"] = .number(previous + 1)
    }

    enum OutboundType: String {
        case text, media, options, flow, template
    }

    /// `recordOutbound(type, payload)`; `payload` keys as the reference passes them.
    mutating func recordOutbound(_ type: OutboundType, _ payload: JSONObject, at now: Date) {
        let ts = timestamp(now)
        var entry: JSONObject = [:]
        if let text = payload["text"] {
            let string = JSONValue.string(JSCoercion.toString(text))
            entry["text"] = string
            context["lastBotMessage"] = string
        }
        if let options = payload["options"] {
            if case .array(let items) = options {
                let strings = JSONValue.array(items.map { .string(JSCoercion.toString($0)) })
                entry["options"] = strings
                if type == .options { context["lastBotOptions"] = strings }
            } else {
                entry["options"] = options
            }
        } else if type == .options {
            context["lastBotOptions"] = []
        }
        for key in ["mediaType", "url", "caption"] {
            if let value = payload[key] { entry[key] = value }
        }
        if type == .flow {
            entry["flow"] = .object(payload)
            if let body = payload["body"]?.stringValue, !body.trimmingJSWhitespace().isEmpty {
                context["lastBotMessage"] = .string(body)
            }
        }
        if type == .template {
            if let template = payload["template"], template.isTruthy {
                entry["template"] = template
                if let name = template["name"]?.stringValue, !name.isEmpty { context["lastBotMessage"] = .string(name) }
            }
            if let parameters = payload["parameters"], parameters.isTruthy { entry["parameters"] = parameters }
            if let components = payload["components"], components.isTruthy { entry["components"] = components }
        }
        pushHistory(["direction": "out", "type": .string(type.rawValue), "timestamp": ts, "payload": .object(entry)])

        context["lastInteractionAt"] = ts
        context["lastOutboundAt"] = ts
        context["lastBotMessageAt"] = ts
        context["lastBotMessageType"] = .string(type.rawValue)
        if type == .media {
            var media: JSONObject = [:]
            for key in ["mediaType", "url", "caption"] {
                if let value = payload[key], case .string = value { media[key] = value }
            }
            context["lastBotMedia"] = .object(media)
        }
    }
}
