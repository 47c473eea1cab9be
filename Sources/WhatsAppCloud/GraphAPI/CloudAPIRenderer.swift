import FlowEngine

/// Turns an ``OutboundMessage`` into the JSON body fcb POSTs to
/// `POST {graph}/{version}/{phoneNumberId}/messages`.
///
/// The shapes follow the old backend's `client.ts` (docs/compatibility.md#message-bodies): the body
/// is built first and `messaging_product: "whatsapp"` is appended as its **last** key, so the
/// serialised text is byte-for-byte what the Node system sent. Where fcb deliberately departs from `client.ts`:
/// - interactive messages (buttons, lists) are checked against Meta's limits and rejected with a
///   400 ``CloudAPIRenderError`` instead of being sent for Meta to refuse (the executor already
///   fits them, so this is a safety net);
/// - media captions are sent only for image, video and document: Meta has no caption for audio
///   (or stickers) and rejects the request when one is present;
/// - documents carry `filename` when one is set;
/// - a Flow's `interactive` object lists `header`, `body`, `footer` before `action`, the order of
///   Meta's documented sample (`client.ts` put `action` first; JSON key order is not significant
///   to Meta, this only makes `--show-payloads` read like the documentation).
///
/// The function is pure: no I/O, no clock, the same input always gives the same bytes.
package enum CloudAPIRenderer {
    /// The request body for one message to `to` (already normalised digits).
    package static func body(for message: OutboundMessage, to: String) throws(CloudAPIRenderError) -> JSONValue {
        var body = JSONObject()
        body["to"] = .string(to)
        switch message {
        case .text(let text):
            body["type"] = "text"
            body["text"] = .object(["body": .string(text)])
        case .buttons(let text, let buttons):
            body["type"] = "interactive"
            body["interactive"] = try buttonsInteractive(body: text, buttons: buttons)
        case .list(let text, let button, let sections):
            body["type"] = "interactive"
            body["interactive"] = try listInteractive(body: text, button: button, sections: sections)
        case .media(let media):
            let (kind, object) = try mediaObject(media)
            body["type"] = .string(kind)
            body[kind] = object
        case .template(let template):
            body["type"] = "template"
            body["template"] = try templateObject(template)
        case .flow(let flow):
            body["type"] = "interactive"
            body["interactive"] = try flowInteractive(flow)
        }
        body["messaging_product"] = "whatsapp"
        return .object(body)
    }

    // MARK: - Media

    /// `{id}` or `{link}`, then `caption` (image, video, document) and `filename` (document).
    /// An id or url made only of whitespace counts as missing; both are sent trimmed.
    static func mediaObject(_ media: OutboundMessage.MediaMessage) throws(CloudAPIRenderError) -> (String, JSONValue) {
        var object = JSONObject()
        if let id = nonBlank(media.id) {
            object["id"] = .string(id)
        } else if let url = nonBlank(media.url) {
            object["link"] = .string(url)
        } else {
            throw CloudAPIRenderError(status: 400, message: "Media message must have either an id or a url")
        }
        let kind = media.kind
        // Meta documents `caption` for image, video and document only; an audio object with a
        // caption is rejected, so fcb drops it (client.ts sent it for every kind).
        if kind != .audio, let caption = media.caption, !caption.isEmpty {
            object["caption"] = .string(caption)
        }
        if kind == .document, let filename = media.filename, !filename.isEmpty {
            object["filename"] = .string(filename)
        }
        return (kind.rawValue, .object(object))
    }

    // MARK: - Template

    /// `{name, language:{code}, components?}` (`client.ts`; docs/compatibility.md#message-bodies).
    ///
    /// `index` stays a JSON number as `client.ts` sent it. Meta's own samples show both `0` and
    /// `"0"` for button components, its reference describes it only as the button's position
    /// (0–9) and the Graph API accepts either, so nothing clearly requires a string.
    static func templateObject(_ template: OutboundMessage.TemplateMessage) throws(CloudAPIRenderError) -> JSONValue {
        let name = template.name.trimmingJSWhitespace()
        let language = template.language.trimmingJSWhitespace()
        if name.isEmpty || language.isEmpty {
            throw CloudAPIRenderError(status: 400, message: "Missing template name or language")
        }
        var components: [JSONValue] = []
        for component in template.components {
            let type = component.type.trimmingJSWhitespace().jsLowercased()
            if type.isEmpty { continue }
            var object = JSONObject()
            object["type"] = .string(type)
            if let subType = component.subType?.trimmingJSWhitespace().jsLowercased(), !subType.isEmpty {
                object["sub_type"] = .string(subType)
            }
            if let index = component.index, index.isFinite {
                object["index"] = .number(index)
            }
            if !component.parameters.isEmpty {
                object["parameters"] = .array(component.parameters.map { .object(["type": "text", "text": .string($0)]) })
            }
            components.append(.object(object))
        }
        var object = JSONObject()
        object["name"] = .string(name)
        object["language"] = .object(["code": .string(language)])
        if !components.isEmpty {
            object["components"] = .array(components)
        }
        return .object(object)
    }

    // MARK: - WhatsApp Flow

    /// `{type:"flow", header?, body?, footer?, action:{name:"flow", parameters}}` as Meta's
    /// "Flow messages" reference documents it. Header, body and footer are sent trimmed and only
    /// when something remains; the flow id and CTA are required and sent trimmed.
    static func flowInteractive(_ flow: OutboundMessage.FlowMessage) throws(CloudAPIRenderError) -> JSONValue {
        let flowId = flow.flowId.trimmingJSWhitespace()
        let cta = flow.cta.trimmingJSWhitespace()
        if flowId.isEmpty || cta.isEmpty {
            throw CloudAPIRenderError(status: 400, message: "Missing WhatsApp Flow ID or CTA")
        }
        var parameters = JSONObject()
        parameters["flow_message_version"] = "3"
        parameters["flow_id"] = .string(flowId)
        parameters["flow_cta"] = .string(cta)
        if let token = nonBlank(flow.flowToken) { parameters["flow_token"] = .string(token) }
        if let mode = nonBlank(flow.mode) { parameters["mode"] = .string(mode) }
        if let action = nonBlank(flow.action) { parameters["flow_action"] = .string(action) }
        if let payload = flow.actionPayload, !payload.isNull { parameters["flow_action_payload"] = payload }

        var interactive = JSONObject()
        interactive["type"] = "flow"
        if let header = nonBlank(flow.header) { interactive["header"] = .object(["type": "text", "text": .string(header)]) }
        if let body = nonBlank(flow.body) { interactive["body"] = .object(["text": .string(body)]) }
        if let footer = nonBlank(flow.footer) { interactive["footer"] = .object(["text": .string(footer)]) }
        interactive["action"] = .object(["name": "flow", "parameters": .object(parameters)])
        return .object(interactive)
    }

    /// The JS-trimmed text, or nil when nothing is left.
    static func nonBlank(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingJSWhitespace(), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}

/// A message fcb refuses to send because Meta would reject it (or it lacks what every send
/// needs). `status` mirrors the HTTP status the reference reported for the same case (400).
package struct CloudAPIRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    package let status: Int
    package let message: String

    package init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    package var description: String { message }
}
