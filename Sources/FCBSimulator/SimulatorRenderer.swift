import FCBSupport
import FlowEngine
import Foundation

/// One line of simulator output. The kind only decides the colour on a terminal; transcripts
/// keep the text.
package struct SimulatorLine: Sendable, Equatable {
    package enum Kind: String, Sendable {
        /// A message the contact receives.
        case bot
        /// Something that happened without a message: delay, API call, handoff, end, clock.
        case event
        /// `--verbose` trace: trigger, nodes, conditions, assignments.
        case trace
        /// `--show-payloads`: the exact Graph API body.
        case payload
        /// A send failure, a guard, a flow error.
        case error
        /// Output of an inspection command (`/vars`, `/node`, `/history`).
        case info
        /// Help and confirmations that are not part of the conversation (never in transcripts).
        case notice
    }

    package var kind: Kind
    package var text: String

    package init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}

/// Turns executor events into terminal lines. Pure: the same events always give the same lines.
package enum SimulatorRenderer {
    /// The first line of every message the contact receives.
    package static let botPrefix = "bot: "
    /// Continuation lines of a message line up under its text.
    package static let indent = "     "
    /// Buttons and list rows, one level deeper.
    package static let choiceIndent = "       "

    package struct Options: Sendable, Equatable {
        package var verbose: Bool
        package var showPayloads: Bool
        package init(verbose: Bool = false, showPayloads: Bool = false) {
            self.verbose = verbose
            self.showPayloads = showPayloads
        }
    }

    // MARK: Messages

    /// A message as the contact sees it.
    package static func message(_ message: OutboundMessage) -> [String] {
        var lines: [String] = []
        func text(_ body: String, first: String = botPrefix) {
            let parts = body.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                let line = (i == 0 ? first : indent) + part
                lines.append(trimTrailing(line))
            }
        }
        switch message {
        case .text(let body):
            text(body.isEmpty ? "(empty text message)" : body)
        case .buttons(let body, let buttons):
            text(body)
            for (i, button) in buttons.enumerated() {
                lines.append("\(choiceIndent)[\(i + 1)] \(button.title)")
            }
        case .list(let body, let button, let sections):
            text(body)
            lines.append("\(choiceIndent)☰ \(button)")
            var number = 1
            for section in sections {
                if let title = section.title, !title.isEmpty { lines.append("\(choiceIndent)— \(title)") }
                for row in section.rows {
                    var line = "\(choiceIndent)[\(number)] \(row.title)"
                    if let description = row.description, !description.isEmpty { line += " — \(description)" }
                    lines.append(line)
                    number += 1
                }
            }
        case .media(let media):
            var head = "[\(media.kind.rawValue)] "
            if let id = media.id, !id.isEmpty {
                head += "media id \(id)"
            } else {
                head += media.url ?? "(no url)"
            }
            if let filename = media.filename, !filename.isEmpty { head += " (\(filename))" }
            if let caption = media.caption, !caption.isEmpty { head += " — \(caption)" }
            text(head)
        case .template(let template):
            lines.append("\(botPrefix)[template \(template.name) (\(template.language))]")
            for component in template.components {
                var label = component.type
                if let subType = component.subType, !subType.isEmpty { label += " \(subType)" }
                if let index = component.index { label += " #\(number(index))" }
                let parameters = component.parameters.enumerated().map { "{{\($0.offset + 1)}}=\($0.element)" }
                lines.append("\(choiceIndent)\(label): \(parameters.isEmpty ? "(no parameters)" : parameters.joined(separator: ", "))")
            }
        case .flow(let flow):
            lines.append("\(botPrefix)┌ WhatsApp Flow \(flow.flowId)")
            lines.append(contentsOf: flowBox(header: flow.header, body: flow.body, footer: flow.footer, cta: flow.cta, indent: indent))
        }
        return lines
    }

    /// The box of a WhatsApp Flow message after its first line.
    static func flowBox(header: String?, body: String, footer: String?, cta: String?, indent: String) -> [String] {
        var lines: [String] = []
        func add(_ text: String?) {
            guard let text, !text.isEmpty else { return }
            for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(trimTrailing("\(indent)│ \(part)"))
            }
        }
        add(header.map { "*\($0)*" })
        add(body)
        add(footer.map { "_\($0)_" })
        lines.append("\(indent)└ [ \(cta.flatMap { $0.isEmpty ? nil : $0 } ?? "(no CTA)") ]")
        return lines
    }

    /// A short name for a message kind (`text`, `buttons`, `list`, …).
    package static func kind(of message: OutboundMessage) -> String {
        switch message {
        case .text: "text"
        case .buttons: "buttons"
        case .list: "list"
        case .media(let media): media.kind.rawValue
        case .template: "template"
        case .flow: "WhatsApp Flow"
        }
    }

    // MARK: Events

    /// The lines of one run: its events in order, then what the result adds.
    /// - Parameter payloads: the Graph API body of each successful send, by message id.
    package static func render(
        events: [FlowRunEvent], result: FlowRunResult, flowName: String? = nil, payloads: [String: JSONValue] = [:],
        options: Options = .init()
    ) -> [SimulatorLine] {
        var lines: [SimulatorLine] = []
        if options.verbose, let flowName { lines.append(.init(.trace, "· flow \(flowName)")) }
        var sawEnd = false
        var sawStop = false
        for event in events {
            if case .ended = event { sawEnd = true }
            if case .stopped = event { sawStop = true }
            lines.append(contentsOf: render(event, payloads: payloads, options: options))
        }
        switch result {
        case .noTrigger:
            lines.append(.init(.event, "∅ no flow matched your message"))
        case .paused(let node):
            if options.verbose { lines.append(.init(.trace, "· waiting at \(node) (session Paused)")) }
        case .completed:
            if !sawEnd { lines.append(.init(.event, "🏁 completed (no next node)")) }
        case .waiting(let node, let until):
            lines.append(.init(.trace, "· waiting until \(ISOTimestamp.string(until)), then continuing at \(node)"))
        case .errored(let reason):
            if !sawStop { lines.append(.init(.error, "✖ stopped: \(reason) (session Errored)")) }
        }
        return lines
    }

    package static func render(_ event: FlowRunEvent, payloads: [String: JSONValue] = [:], options: Options = .init()) -> [SimulatorLine] {
        switch event {
        case .sent(let message, let messageId):
            var lines = self.message(message).map { SimulatorLine(.bot, $0) }
            if options.showPayloads, let messageId, let payload = payloads[messageId] {
                lines.append(.init(.payload, "\(indent)⇢ \(payload.serialized())"))
            }
            return lines
        case .sendFailed(let message, let error):
            let what = message.map { " (\(kind(of: $0)))" } ?? ""
            return [.init(.error, "✖ send failed\(what): \(error)")]
        case .sendDeferred(let message, let error, let until):
            return [.init(.error, "⏳ not accepted by Meta (\(kind(of: message))): \(error); sent again at \(ISOTimestamp.string(until))")]
        case .flowRecorded(let header, let body, let footer, let cta):
            return [.init(.event, "⚠ WhatsApp Flow not sent: flow not synced with Meta (recorded in context.pendingWhatsAppFlow)")]
                + flowBox(header: header, body: body, footer: footer, cta: cta, indent: "  ").map { .init(.event, $0) }
        case .delayed(let milliseconds):
            return [.init(.event, "⏱ \(SimulatorDuration.format(milliseconds: milliseconds))")]
        case .condition(let expression, let result, let error):
            guard options.verbose else { return [] }
            return [.init(.trace, "· condition \(expression) → \(result)\(error.map { " (error: \($0))" } ?? "")")]
        case .apiCall(let method, let url, let status, let error):
            if let status { return [.init(.event, "→ \(method) \(url) ← \(status)")] }
            return [.init(.event, "→ \(method) \(url) ✖ \(error ?? "failed") (the flow gets {\"error\":\"API call failed\"})")]
        case .assigned(let key, let value):
            guard options.verbose else { return [] }
            return [.init(.trace, "· set \(key) = \(JSONValue.string(value).serialized())")]
        case .handoff(let queue, let note):
            var line = "🤝 handed off to queue \(display(queue))"
            if let note, !note.isEmpty { line += " — note: \(note)" }
            return [.init(.event, line), .init(.event, "⏸ waiting for an agent: the session stays Paused here")]
        case .ended(let reason):
            return [.init(.event, "🏁 ended (\(display(reason)))")]
        case .stopped(let reason):
            return [.init(.error, "✖ stopped: \(reason) (session Errored)")]
        case .triggerMatched(let node, let keyword):
            guard options.verbose else { return [] }
            return [.init(.trace, "· trigger \"\(keyword)\" (\(node))")]
        case .resumed(let node, let matched):
            guard options.verbose else { return [] }
            return [.init(.trace, "· resumed at \(node): \(matched.map { "option \($0 + 1)" } ?? "no option matched")")]
        case .optionsRepeated:
            return [.init(.event, "↻ no option matched and there is no no-match path: the options are sent again")]
        case .node(let id, let type):
            guard options.verbose else { return [] }
            return [.init(.trace, "· node \(id) (\(type.rawValue))")]
        }
    }

    // MARK: Helpers

    /// Strings as they are, `null` as `(none)`, other JSON compact.
    static func display(_ value: JSONValue?) -> String {
        switch value {
        case .none, .null?: "(none)"
        case .string(let s)?: s
        case let other?: other.serialized()
        }
    }

    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    static func trimTrailing(_ line: String) -> String {
        var line = line
        while let last = line.last, last == " " || last == "\t" { line.removeLast() }
        return line
    }
}
