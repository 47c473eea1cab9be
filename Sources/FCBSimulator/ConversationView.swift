import FlowEngine

/// The conversation the dashboard shows for a session, built only from
/// `Session.context._meta.history` (docs/compatibility.md#conversation-history; the dashboard's
/// `src/server/conversations.ts`). `/history` prints it, so a flow author sees what an agent
/// will see.
package enum ConversationView {
    package struct Entry: Sendable, Equatable {
        /// `{sessionId}-history-{index}` in the dashboard.
        package var index: Int
        /// `in`, `out`, or `system` for anything else.
        package var direction: String
        package var timestamp: String?
        package var text: String
        /// Metadata chips, in the dashboard's order.
        package var chips: [(key: String, value: String)]

        package static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.index == rhs.index && lhs.direction == rhs.direction && lhs.timestamp == rhs.timestamp && lhs.text == rhs.text
                && lhs.chips.map(\.key) == rhs.chips.map(\.key) && lhs.chips.map(\.value) == rhs.chips.map(\.value)
        }
    }

    package static func entries(context: JSONValue?) -> [Entry] {
        let history = context?["_meta"]?["history"]?.arrayValue ?? []
        return history.enumerated().map { entry(index: $0.offset, $0.element) }
    }

    static func entry(index: Int, _ item: JSONValue) -> Entry {
        let rawDirection = item["direction"]?.stringValue
        let direction = rawDirection == "in" || rawDirection == "out" ? rawDirection ?? "system" : "system"
        let payload = item["payload"] ?? .null
        return Entry(
            index: index, direction: direction, timestamp: item["timestamp"]?.stringValue, text: displayText(payload),
            chips: chips(payload))
    }

    /// The first non-blank of `text`, `caption`, `interactiveTitle`, `url`, `"Flujo: " + flow.name`;
    /// else the payload as JSON, cut to 277 characters plus `...` when longer than 280.
    package static func displayText(_ payload: JSONValue) -> String {
        for key in ["text", "caption", "interactiveTitle", "url"] {
            if let value = payload[key]?.stringValue, !value.trimmingJSWhitespace().isEmpty { return value }
        }
        if let name = payload["flow"]?["name"]?.stringValue, !name.trimmingJSWhitespace().isEmpty { return "Flujo: " + name }
        let json = payload.serialized()
        guard json.utf16.count > 280 else { return json }
        var cut = ""
        var units = 0
        for character in json {
            let size = String(character).utf16.count
            if units + size > 277 { break }
            cut.append(character)
            units += size
        }
        return cut + "..."
    }

    /// `interactiveType`, `interactiveTitle`, `interactiveId`, `optionIndex`, `mediaType`, `url`,
    /// `flow.name`, `template.name`, when present and not null.
    package static func chips(_ payload: JSONValue) -> [(key: String, value: String)] {
        var chips: [(key: String, value: String)] = []
        func add(_ key: String, _ value: JSONValue?) {
            guard let value, !value.isNull else { return }
            let text = value.stringValue ?? value.serialized()
            if !text.isEmpty { chips.append((key, text)) }
        }
        for key in ["interactiveType", "interactiveTitle", "interactiveId", "optionIndex", "mediaType", "url"] {
            add(key, payload[key])
        }
        add("flow.name", payload["flow"]?["name"])
        add("template.name", payload["template"]?["name"])
        return chips
    }

    /// Terminal lines: `#3 00:00:05 you: text  [chip: value · …]`, then the unread count.
    package static func lines(context: JSONValue?) -> [String] {
        let entries = entries(context: context)
        guard !entries.isEmpty else { return ["(no history yet: the dashboard would show an empty conversation)"] }
        var lines: [String] = []
        for entry in entries {
            let time = entry.timestamp.map(clockTime) ?? "--:--:--"
            let who = entry.direction == "in" ? "you" : entry.direction == "out" ? "bot" : "system"
            let head = "#\(entry.index) \(time) \(who): "
            let pad = String(repeating: " ", count: head.count)
            let parts = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                lines.append(SimulatorRenderer.trimTrailing((i == 0 ? head : pad) + part))
            }
            if !entry.chips.isEmpty {
                lines.append(pad + "[" + entry.chips.map { "\($0.key): \($0.value)" }.joined(separator: " · ") + "]")
            }
        }
        lines.append("unread: \(unread(entries)) (incoming messages after the last bot message)")
        return lines
    }

    /// The dashboard's unread count: `in` entries after the last `out` entry.
    package static func unread(_ entries: [Entry]) -> Int {
        let lastOut = entries.lastIndex { $0.direction == "out" } ?? -1
        return entries.enumerated().filter { $0.offset > lastOut && $0.element.direction == "in" }.count
    }

    /// `HH:MM:SS` from an ISO timestamp (`2026-01-01T00:00:05.000Z`).
    static func clockTime(_ iso: String) -> String {
        guard let t = iso.firstIndex(of: "T") else { return iso }
        let time = iso[iso.index(after: t)...].prefix(8)
        return time.count == 8 ? String(time) : iso
    }
}
