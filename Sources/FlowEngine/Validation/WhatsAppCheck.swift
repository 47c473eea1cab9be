/// What Meta would reject or change in the messages a node sends (limits of reply buttons,
/// lists, WhatsApp Flow messages, templates and media).
struct WhatsAppCheck {
    static let maxButtons = WhatsAppLimits.maxButtons
    static let maxRows = WhatsAppLimits.maxRows
    static let buttonTitleLimit = WhatsAppLimits.buttonTitle
    static let rowTitleLimit = WhatsAppLimits.rowTitle
    static let bodyLimit = WhatsAppLimits.body
    static let headerFooterLimit = WhatsAppLimits.headerFooter
    static let flowCTALimit = WhatsAppLimits.flowCTA

    func run(graph: FlowGraph, into sink: inout FindingSink) {
        for (i, node) in graph.nodes.enumerated() {
            switch node.type {
            case .options: checkOptions(node, at: graph.nodePointer(i) / "data", into: &sink)
            case .whatsappFlow: checkFlowMessage(node, at: graph.nodePointer(i) / "data", into: &sink)
            case .message: checkTemplate(node, at: graph.nodePointer(i) / "data", into: &sink)
            case .media: checkMedia(node, at: graph.nodePointer(i) / "data", into: &sink)
            default: break
            }
        }
    }

    private func checkOptions(_ node: FlowNode, at pointer: JSONPointer, into sink: inout FindingSink) {
        let text = node.data["text"]?.stringValue ?? ""
        if text.trimmingJSWhitespace().isEmpty {
            sink.add(
                .emptyInteractiveBody, "options node '\(node.id)' has no text; WhatsApp requires a body for buttons and lists", at: pointer / "text",
                node: node.id)
        } else if TextNormalization.jsLength(text) > Self.bodyLimit {
            sink.add(
                .bodyTooLong, "options text has \(TextNormalization.jsLength(text)) characters; interactive bodies allow \(Self.bodyLimit)",
                at: pointer / "text", node: node.id)
        }
        guard let items = node.data["options"]?.arrayValue else { return }
        let titles = items.map { $0.stringValue ?? "" }
        if titles.count > Self.maxRows {
            sink.add(
                .tooManyOptions, "\(titles.count) options: a WhatsApp list holds at most \(Self.maxRows) rows", at: pointer / "options", node: node.id,
                hint: "split the choices over two options nodes")
            return
        }
        let asList = titles.count > Self.maxButtons
        if asList {
            sink.add(
                .optionsAsList, "\(titles.count) options are sent as a list message (more than \(Self.maxButtons) buttons)", at: pointer / "options",
                node: node.id)
        }
        let limit = asList ? Self.rowTitleLimit : Self.buttonTitleLimit
        var seen: [String: Int] = [:]
        for (k, title) in titles.enumerated() {
            let trimmed = title.trimmingJSWhitespace()
            if trimmed.count > limit {
                let shown = TextNormalization.truncatedTitle(trimmed, limit: limit)
                sink.add(
                    .optionTitleTruncated,
                    "option title has \(trimmed.count) characters; \(asList ? "list rows" : "buttons") allow \(limit), so it is sent as '\(shown)'",
                    at: pointer / "options" / k, node: node.id)
            }
            let key = TextNormalization.truncatedTitle(trimmed, limit: limit).lowercased()
            if let first = seen[key] {
                sink.add(
                    .duplicateOptionTitle,
                    "options \(first + 1) and \(k + 1) both show as '\(TextNormalization.truncatedTitle(trimmed, limit: limit))'; Meta rejects duplicate titles (131009)",
                    at: pointer / "options" / k, node: node.id)
            } else if !trimmed.isEmpty {
                seen[key] = k
            }
        }
    }

    private func checkFlowMessage(_ node: FlowNode, at pointer: JSONPointer, into sink: inout FindingSink) {
        for field in ["header", "footer"] {
            if let value = node.data[field]?.stringValue, TextNormalization.jsLength(value) > Self.headerFooterLimit {
                sink.add(
                    .headerFooterTooLong, "\(field) has \(TextNormalization.jsLength(value)) characters; WhatsApp allows \(Self.headerFooterLimit)",
                    at: pointer / field, node: node.id)
            }
        }
        if let body = node.data["body"]?.stringValue, TextNormalization.jsLength(body) > Self.bodyLimit {
            sink.add(
                .bodyTooLong, "body has \(TextNormalization.jsLength(body)) characters; WhatsApp allows \(Self.bodyLimit)", at: pointer / "body", node: node.id)
        }
        if let cta = node.data["cta"]?.stringValue, cta.trimmingJSWhitespace().count > Self.flowCTALimit {
            sink.add(
                .flowCTATooLong, "call-to-action has \(cta.trimmingJSWhitespace().count) characters; WhatsApp Flow buttons allow \(Self.flowCTALimit)",
                at: pointer / "cta", node: node.id)
        }
    }

    private func checkTemplate(_ node: FlowNode, at pointer: JSONPointer, into sink: inout FindingSink) {
        guard node.data["useTemplate"]?.isTruthy == true else { return }
        if (node.data["templateName"]?.stringValue ?? "").trimmingJSWhitespace().isEmpty {
            sink.add(.templateIncomplete, "Template name is required when using templates", at: pointer / "templateName", node: node.id)
        }
        if (node.data["templateLanguage"]?.stringValue ?? "").trimmingJSWhitespace().isEmpty {
            sink.add(.templateIncomplete, "Template language is required when using templates", at: pointer / "templateLanguage", node: node.id)
        }
    }

    private func checkMedia(_ node: FlowNode, at pointer: JSONPointer, into sink: inout FindingSink) {
        let url = node.data["url"]?.isTruthy ?? false
        let id = node.data["id"]?.isTruthy ?? false
        if !url && !id {
            sink.add(.mediaMissingSource, "Either a media URL or a media ID must be provided.", at: pointer / "url", node: node.id)
        }
    }
}
