import FlowEngine

/// What fcb makes of one inbound message (docs/compatibility.md#inbound-messages): the text a flow sees,
/// whether the message runs flows at all, and the executor's input.
///
/// The rules are the old backend's `extractUserText` (its current webhook path) with fcb's
/// changes (docs/differences.md#processing-pipeline):
/// - image, video and document captions are used (and a document's file name), as the old version did;
/// - a WhatsApp Flow response (`nfm_reply`) gives its `body`, else its `name`, and its parsed
///   `response_json` is handed to the flow (`flowResponse`);
/// - a template quick-reply `button` gives `button.text` (else its payload);
/// - reactions, `system` and `unsupported`/`unknown` messages get a content text for the
///   Message row but do not run flows.
package struct InboundContent: Sendable, Equatable {
    /// What the flow sees and what the Message row's `content` holds; nil when the reference
    /// finds no text (an interactive reply without a title, …).
    package var text: String?
    /// False for reactions, system and unsupported messages and when there is no text: such
    /// messages are stored but never start or resume a flow.
    package var runsFlows: Bool
    /// The executor's input (the old backend's `incomingMeta`; docs/compatibility.md#inbound-messages).
    package var inbound: InboundMessage
}

extension WebhookMessage {
    /// The content under fcb's rules (see ``InboundContent``).
    package var inboundContent: InboundContent {
        let command = CommandFields(self)
        let text = userText(command)
        let storedOnly: Bool
        switch kind {
        case .reaction, .system, .unsupported: storedOnly = true
        default: storedOnly = false
        }
        return InboundContent(
            text: text,
            runsFlows: !storedOnly && !(text ?? "").isEmpty,
            inbound: inboundMessage(text: text, command: command))
    }

    /// The current webhook path's `extractUserText` with fcb's changes (see the type's comment).
    private func userText(_ command: CommandFields) -> String? {
        switch kind {
        case .text:
            return nonBlank(text?.body) ?? command.label ?? command.identifier
        case .interactive:
            if interactive?.type == "command" {
                if let label = command.label ?? command.identifier { return label }
                // A missing body reads "[command]"; an empty one stays empty (and is ignored).
                guard let body = text?.body else { return "[command]" }
                return body.trimmingJSWhitespace()
            }
            if interactive?.type == "nfm_reply" || (interactive?.type == nil && interactive?.nfmReply != nil) {
                return nonBlank(interactive?.nfmReply?.body) ?? nonBlank(interactive?.nfmReply?.name) ?? "[nfm_reply]"
            }
            return nonBlank(interactive?.buttonReply?.title) ?? nonBlank(interactive?.listReply?.title) ?? command.label
                ?? command.identifier
        case .other("command"):
            return command.label ?? command.identifier ?? nonBlank(text?.body) ?? "[command]"
        case .button:
            return nonBlank(button?.text) ?? nonBlank(button?.payload) ?? "[button]"
        case .image:
            return command.label ?? command.identifier ?? nonBlank(image?.caption) ?? "[image]"
        case .video:
            return nonBlank(video?.caption) ?? "[video]"
        case .document:
            return nonBlank(document?.caption) ?? nonBlank(document?.filename) ?? "[document]"
        case .audio: return "[audio]"
        case .sticker: return "[sticker]"
        case .location: return "[location]"
        case .contacts: return "[contacts]"
        case .reaction: return "[reaction]"
        case .order: return "[order]"
        case .system: return "[system]"
        case .unsupported: return "[\(type ?? "unknown")]"
        case .other(let type): return "[\(type)]"
        case .missing: return "[unknown]"
        }
    }

    /// `incomingMeta` as the old backend builds it (docs/compatibility.md#inbound-messages), plus
    /// the media object and the Flow response.
    private func inboundMessage(text: String?, command: CommandFields) -> InboundMessage {
        let interactiveType = interactive?.type ?? (type == "command" && command.hasSource ? "command" : nil)
        let interactiveId = truthy(interactive?.buttonReply?.id) ?? truthy(interactive?.listReply?.id) ?? command.identifier
        let interactiveTitle = truthy(interactive?.buttonReply?.title) ?? truthy(interactive?.listReply?.title) ?? command.label
        let rawText = self.text?.body ?? interactiveTitle ?? command.label ?? text
        var inbound = InboundMessage(
            text: text,
            type: type ?? (interactiveType != nil ? "interactive" : "text"),
            rawText: rawText,
            interactive: interactiveType == nil && interactiveId == nil && interactiveTitle == nil
                ? nil : .init(type: interactiveType, id: interactiveId, title: interactiveTitle))
        inbound.image = image?.raw
        inbound.video = video?.raw
        inbound.audio = audio?.raw
        inbound.document = document?.raw
        inbound.sticker = sticker?.raw
        if let response = interactive?.nfmReply?.responseJSON {
            // Exposed parsed; text that is not JSON is still handed over, as a string.
            inbound.flowResponse = (try? JSONValue(parsing: response)) ?? .string(response)
        }
        return inbound
    }

    private func nonBlank(_ s: String?) -> String? {
        guard let trimmed = s?.trimmingJSWhitespace(), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    private func truthy(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}

/// The dashboard's "command" fields (docs/compatibility.md#inbound-messages): the source is `interactive.command` when
/// `interactive.type` is `command`, otherwise the message's own `command` object.
struct CommandFields {
    let identifier: String?
    let label: String?
    let hasSource: Bool

    init(_ message: WebhookMessage) {
        let source: JSONObject?
        if message.interactive?.type == "command" {
            source = message.raw["interactive"]?["command"]?.objectValue
        } else {
            source = message.raw["command"]?.objectValue
        }
        guard let source else {
            identifier = nil
            label = nil
            hasSource = false
            return
        }
        hasSource = true
        identifier =
            Self.firstNonBlank(source, keys: ["id", "command", "name"])
            ?? Self.firstNonBlank(source) { $0.jsLowercased().contains("id") }
        label =
            Self.firstNonBlank(source, keys: ["title", "text", "label", "button_text", "button_label", "display_text", "command", "name"])
            ?? Self.firstNonBlank(source) { key in
                let lower = key.jsLowercased()
                return ["title", "label", "text", "name"].contains { lower.contains($0) }
            }
    }

    private static func firstNonBlank(_ object: JSONObject, keys: [String]) -> String? {
        for key in keys {
            if let trimmed = object[key]?.stringValue?.trimmingJSWhitespace(), !trimmed.isEmpty { return trimmed }
        }
        return nil
    }

    /// The first non-blank string member, in object order, whose key passes `matches`.
    private static func firstNonBlank(_ object: JSONObject, where matches: (String) -> Bool) -> String? {
        for (key, value) in object where matches(key) {
            if let trimmed = value.stringValue?.trimmingJSWhitespace(), !trimmed.isEmpty { return trimmed }
        }
        return nil
    }
}
