import FCBSupport
import Foundation

/// Node behaviour (docs/compatibility.md#node-behaviour, with the changes in
/// docs/differences.md#executor).
extension FlowRun {
    mutating func execute(_ node: FlowNode) async throws(FlowRunError) -> NodeStep {
        let data = node.data
        switch node.type {
        case .trigger:
            return .next(nil)

        case .message:
            if data["useTemplate"]?.isTruthy == true {
                try await sendTemplate(node)
            } else {
                let text = try tpl(data["text"], node, field: "text")
                try await deliver(.text(body: text), fallback: "Failed to send WhatsApp text message") { run, messageId in
                    run.messageRow(type: "text", content: text, payload: nil, messageId: messageId)
                }
                book.recordOutbound(.text, ["text": .string(text)], at: env.clock.now())
            }
            return .next(nil)

        case .options:
            try await sendOptions(node)
            return .pause

        case .delay:
            let seconds = data["seconds"].map(JSCoercion.toNumber) ?? 0
            let ms = min(max(0, seconds * 1000), Double(env.options.maxDelayMilliseconds))
            if ms > 0 {
                let milliseconds = Int(ms.rounded(.up))
                events.append(.delayed(milliseconds: milliseconds))
                if env.options.delays == .suspend { return .wait(milliseconds: milliseconds) }
                try? await env.clock.sleep(milliseconds: milliseconds)
            }
            return .next(nil)

        case .condition:
            let expression = data["expression"].flatMap { $0.isNull ? nil : JSCoercion.toString($0) } ?? "false"
            var result = false
            var failure: String?
            do {
                let parsed = try cache.expression(expression)
                result = try parsed.evaluate(context: .object(context)).isTruthy
            } catch {
                failure = error.description
            }
            events.append(.condition(expression: expression, result: result, error: failure))
            return .next(edge(from: node, handle: result ? "true" : "false")?.target)

        case .api:
            try await callAPI(node)
            return .next(nil)

        case .assign:
            guard let key = data["key"], key.isTruthy else { return .next(nil) }
            guard let path = key.stringValue else {
                throw .nodeData(nodeId: node.id, message: "assign key must be a string (got \(key.typeName))")
            }
            let value = ContextPaths.interpolate(data["value"].map(JSCoercion.toString) ?? "", context: context)
            ContextPaths.set(&context, path, .string(value))
            events.append(.assigned(key: path, value: value))
            return .next(nil)

        case .media:
            try await sendMedia(node)
            return .next(nil)

        case .whatsappFlow:
            try await sendWhatsAppFlow(node)
            return .next(nil)

        case .handoff:
            context["handoffQueue"] = data["queue"]
            let note: String? = try data["note"].flatMap { $0.isTruthy ? $0 : nil }.map { value throws(FlowRunError) in try tpl(value, node, field: "note") }
            context["handoffNote"] = note.map(JSONValue.string)
            events.append(.handoff(queue: data["queue"], note: note))
            return .pause

        case .goto:
            switch data["targetNodeId"] {
            case .none, .null?: return .next(nil)
            case .string(let target)?: return .next(target)
            case let other?: return other.isTruthy ? .missing(JSCoercion.toString(other)) : .next(nil)
            }

        case .end:
            let reason = data["reason"].flatMap { $0.isNull ? nil : $0 } ?? "end"
            context["endReason"] = reason
            events.append(.ended(reason: reason))
            return .end
        }
    }

    // MARK: Templating

    /// `tpl(value)`: nil and null are ""; strings are interpolated; anything else is the
    /// TypeError the reference would raise (`s.replace is not a function`).
    func tpl(_ value: JSONValue?, _ node: FlowNode, field: String) throws(FlowRunError) -> String {
        switch value {
        case .none, .null?: return ""
        case .string(let s)?: return ContextPaths.interpolate(s, context: context)
        case let other?:
            throw .nodeData(nodeId: node.id, message: "\(field) must be a string (got \(other.typeName))")
        }
    }

    // MARK: Sending

    /// Sends one message; on success inserts its Message row, on failure a Failed row
    /// (docs/differences.md#failed-sends-leave-a-failed-row) and throws `FlowSendMessageError`.
    mutating func deliver(
        _ message: OutboundMessage, fallback: String, row: (inout FlowRun, String?) -> MessageRecord
    ) async throws(FlowRunError) {
        var record = row(&self, nil)
        if let journal = env.journal {
            let prior: PriorSend
            do {
                prior = try await journal.prepareSend(nodeId: session.currentNodeId ?? "", rowId: record.id)
            } catch {
                throw .store(error)
            }
            switch prior {
            case .fresh:
                break
            case .alreadySent(let existing):
                // An interrupted run sent this already: record it as sent, do not send again.
                events.append(.sent(message, messageId: existing.waMessageId))
                return
            case .unknownOutcome(let rowId):
                // At most once: the contact may have it; a Failed row says so and the flow goes on.
                record.id = rowId
                record.status = "Failed"
                record.error = Self.unknownOutcomeText
                events.append(.sendFailed(message, error: Self.unknownOutcomeText))
                try? await insert(record)
                return
            }
        }
        let result = await env.sender.send(userId: flow.userId, to: contact.phone, message: message)
        switch result {
        case .success(let messageId):
            events.append(.sent(message, messageId: messageId))
            record.waMessageId = messageId
            record.status = "Sent"
            try await insertAfterSend(record)
        case .notAccepted(let error, let status, _):
            var text = error.trimmingJSWhitespace().isEmpty ? fallback : error
            switch await env.journal?.sendNotAccepted(nodeId: session.currentNodeId ?? "", rowId: record.id, error: text) ?? .giveUp(reason: nil) {
            case .retry(let at):
                events.append(.sendDeferred(message, error: text, until: at))
                throw .sendDeferred(until: at, reason: text)
            case .giveUp(let reason):
                if let reason { text += " (\(reason))" }
            }
            events.append(.sendFailed(message, error: text))
            record.status = "Failed"
            record.error = text
            try? await insert(record)
            throw .send(FlowSendMessageError(text, status: status))
        case .failure(let error, let status, _):
            let text = error.flatMap { $0.trimmingJSWhitespace().isEmpty ? nil : $0 } ?? fallback
            events.append(.sendFailed(message, error: text))
            record.status = "Failed"
            record.error = text
            try? await insert(record)
            throw .send(FlowSendMessageError(text, status: status))
        }
    }

    static let interruptedCallText =
        "fcb stopped while this call was being made; it may or may not have reached the server and was not made again"

    static let unknownOutcomeText =
        "fcb stopped while this message was being sent; it may or may not have reached the contact and was not sent again"

    mutating func messageRow(type: String, content: String?, payload: JSONValue?, messageId: String?) -> MessageRecord {
        MessageRecord(
            id: env.ids.next(), waMessageId: messageId, direction: "outbound", type: type, content: content, payload: payload,
            status: "Sent", createdAt: env.clock.now(), contactId: session.contactId, userId: flow.userId, sessionId: session.id)
    }

    func insert(_ record: MessageRecord) async throws(FlowRunError) {
        do {
            try await env.store.insertMessage(record)
        } catch {
            throw .store(error)
        }
    }

    /// Meta accepted the message: its row (and the wamid later statuses need) is worth a few
    /// tries through a database blip (0.5 s … 8 s, ~15 s); only then does the run stop and the
    /// resumed run record the send as of unknown outcome.
    func insertAfterSend(_ record: MessageRecord) async throws(FlowRunError) {
        var pause = Duration.milliseconds(500)
        for attempt in 1...5 {
            do {
                try await env.store.insertMessage(record)
                return
            } catch {
                guard attempt < 5, (try? await Task.sleep(for: pause)) != nil else { throw .store(error) }
                pause *= 2
            }
        }
    }

    mutating func sendOptions(_ node: FlowNode) async throws(FlowRunError) {
        let text = try tpl(node.data["text"], node, field: "text")
        let rawOptions = node.data["options"] ?? .array([])
        guard case .array(let items) = rawOptions else {
            throw .nodeData(nodeId: node.id, message: "options must be an array (got \(rawOptions.typeName))")
        }
        let options = items.map(JSCoercion.toString)
        guard !options.isEmpty else {
            throw .send(FlowSendMessageError("Options node has no options to send", status: 400))
        }
        let presentation = OptionsPresentation(options: options)
        let listButton = node.data["listButton"]?.stringValue
        let message = presentation.message(body: text, listButton: listButton, defaultListButton: env.options.defaultListButton)
        let optionValues = JSONValue.array(options.map(JSONValue.string))
        try await deliver(message, fallback: "Failed to send WhatsApp options message") { run, messageId in
            run.messageRow(type: "interactive", content: text, payload: ["text": .string(text), "options": optionValues], messageId: messageId)
        }
        book.recordOutbound(.options, ["text": .string(text), "options": optionValues], at: env.clock.now())
    }

    mutating func sendTemplate(_ node: FlowNode) async throws(FlowRunError) {
        let data = node.data
        func trimmedString(_ key: String) throws(FlowRunError) -> String {
            switch data[key] {
            case .none, .null?: return ""
            case .string(let s)?: return s.trimmingJSWhitespace()
            case let other?: throw .nodeData(nodeId: node.id, message: "\(key) must be a string (got \(other.typeName))")
            }
        }
        let name = try trimmedString("templateName")
        let language = try trimmedString("templateLanguage")
        guard !name.isEmpty, !language.isEmpty else {
            throw .send(FlowSendMessageError("Missing template name or language for WhatsApp template message", status: 400))
        }
        let parameters = data["templateParameters"]?.arrayValue ?? []
        let components = try TemplateComponents.build(parameters, node: node) { value throws(FlowRunError) in
            try tpl(value, node, field: "templateParameters.value")
        }
        let message = OutboundMessage.template(.init(name: name, language: language, components: components.map(\.component)))
        let templateJSON: JSONValue = ["name": .string(name), "language": .string(language)]
        let componentsJSON = JSONValue.array(components.map(\.json))
        try await deliver(message, fallback: "Failed to send WhatsApp template message") { run, messageId in
            run.messageRow(type: "template", content: name, payload: ["template": templateJSON, "components": componentsJSON], messageId: messageId)
        }
        let parameterEntries = try TemplateComponents.historyParameters(parameters) { value throws(FlowRunError) in
            try tpl(value, node, field: "templateParameters.value")
        }
        book.recordOutbound(.template, ["template": templateJSON, "parameters": .array(parameterEntries), "components": componentsJSON], at: env.clock.now())
    }

    mutating func sendMedia(_ node: FlowNode) async throws(FlowRunError) {
        let data = node.data
        func templated(_ key: String) throws(FlowRunError) -> String? {
            guard let value = data[key], value.isTruthy else { return nil }
            return try tpl(value, node, field: key)
        }
        let id = try templated("id")
        let url = try templated("url")
        let caption = try templated("caption")
        let rawType = data["mediaType"]
        let kind = rawType?.stringValue.flatMap(OutboundMessage.MediaKind.init(rawValue:)) ?? .image
        var payload: JSONObject = [:]
        payload["mediaType"] = rawType
        payload["id"] = id.map(JSONValue.string)
        payload["url"] = url.map(JSONValue.string)
        payload["caption"] = caption.map(JSONValue.string)
        guard id != nil || url != nil else {
            let text = "Media message must have either an id or a url"
            events.append(.sendFailed(nil, error: text))
            throw .send(FlowSendMessageError(text, status: 400))
        }
        let message = OutboundMessage.media(.init(kind: kind, id: id, url: url, caption: caption))
        try await deliver(message, fallback: "Failed to send WhatsApp media message") { run, messageId in
            run.messageRow(type: "media", content: caption, payload: .object(payload), messageId: messageId)
        }
        book.recordOutbound(.media, payload, at: env.clock.now())
    }

    mutating func sendWhatsAppFlow(_ node: FlowNode) async throws(FlowRunError) {
        let header = try tpl(node.data["header"], node, field: "header").trimmingJSWhitespace()
        let body = try tpl(node.data["body"], node, field: "body")
        let footer = try tpl(node.data["footer"], node, field: "footer").trimmingJSWhitespace()
        let cta = try tpl(node.data["cta"], node, field: "cta").trimmingJSWhitespace()
        guard !body.trimmingJSWhitespace().isEmpty else {
            throw .send(FlowSendMessageError("WhatsApp Flow body cannot be empty.", status: 400))
        }
        let recorded: JSONObject = ["header": .string(header), "body": .string(body), "footer": .string(footer), "cta": .string(cta)]
        let metaFlowId = flow.metaFlowId?.trimmingJSWhitespace() ?? ""
        let metaFlowToken = flow.metaFlowToken?.trimmingJSWhitespace() ?? ""
        func orNil(_ s: String) -> String? { s.isEmpty ? nil : s }
        if !metaFlowId.isEmpty && !metaFlowToken.isEmpty {
            // A Flow synced with Meta is really sent
            // (docs/differences.md#whatsapp-flows-are-sent-when-the-flow-is-synced).
            let message = OutboundMessage.flow(
                .init(flowId: metaFlowId, flowToken: metaFlowToken, cta: cta, header: orNil(header), body: body, footer: orNil(footer)))
            try await deliver(message, fallback: "Failed to send WhatsApp Flow message") { run, messageId in
                run.messageRow(
                    type: "interactive", content: body,
                    payload: [
                        "flow": [
                            "id": .string(metaFlowId), "name": .string(run.flow.name), "header": .string(header), "body": .string(body),
                            "footer": .string(footer), "cta": .string(cta),
                        ]
                    ],
                    messageId: messageId)
            }
            book.recordOutbound(.flow, recorded, at: env.clock.now())
        } else {
            book.recordOutbound(.flow, recorded, at: env.clock.now())
            context["pendingWhatsAppFlow"] = [
                "header": orNil(header).map(JSONValue.string) ?? .null, "body": .string(body),
                "footer": orNil(footer).map(JSONValue.string) ?? .null, "cta": orNil(cta).map(JSONValue.string) ?? .null,
                "generatedAt": .string(ISOTimestamp.string(env.clock.now())),
            ]
            events.append(.flowRecorded(header: orNil(header), body: body, footer: orNil(footer), cta: orNil(cta)))
        }
    }

    // MARK: API calls

    mutating func callAPI(_ node: FlowNode) async throws(FlowRunError) {
        let data = node.data
        let methodValue = data["method"].flatMap { $0.isTruthy ? $0 : nil } ?? "GET"
        let method = JSCoercion.toString(methodValue).uppercased()
        let url = try tpl(data["url"], node, field: "url")
        var headers: [APIRequest.HeaderField] = []
        if case .object(let raw)? = data["headers"] {
            for (name, value) in raw {
                let text = value.stringValue.map { ContextPaths.interpolate($0, context: context) } ?? JSCoercion.toString(value)
                headers.append(.init(name: name, value: text))
            }
        }
        let body: String? = (method == "GET" || method == "HEAD") ? nil : try tpl(data["body"], node, field: "body")
        let assignTo: String
        switch data["assignTo"] {
        case .none, .null?: assignTo = "apiResult"
        case .string(let s)?: assignTo = s
        case let other?: throw .nodeData(nodeId: node.id, message: "assignTo must be a string (got \(other.typeName))")
        }
        if method != "GET", method != "HEAD", let journal = env.journal {
            let prior: PriorCall
            do {
                prior = try await journal.prepareCall(nodeId: node.id)
            } catch {
                throw .store(error)
            }
            if prior == .interrupted {
                ContextPaths.set(&context, assignTo, ["error": "API call failed"])
                ContextPaths.set(&context, assignTo + "Status", .null)
                events.append(.apiCall(method: method, url: url, status: nil, error: Self.interruptedCallText))
                return
            }
        }
        do {
            let response = try await env.api.perform(APIRequest(method: method, url: url, headers: headers, body: body))
            ContextPaths.set(&context, assignTo, response.body)
            ContextPaths.set(&context, assignTo + "Status", .number(Double(response.status)))
            events.append(.apiCall(method: method, url: url, status: response.status, error: nil))
        } catch {
            ContextPaths.set(&context, assignTo, ["error": "API call failed"])
            ContextPaths.set(&context, assignTo + "Status", .null)
            events.append(.apiCall(method: method, url: url, status: nil, error: "\(error)"))
        }
    }
}
