/// How an options node is shown on WhatsApp (docs/compatibility.md#message-bodies): 1–3 options as reply buttons, 4–10 as a
/// list; titles cut to 20 / 24 characters with an ellipsis and made unique; ids derived from the
/// titles, non-empty, unique and at most 200 characters. Resume matching uses the same table.
package struct OptionsPresentation: Sendable, Equatable {
    package struct Choice: Sendable, Equatable {
        package let index: Int
        /// The option as written in the flow.
        package let option: String
        package let id: String
        /// The title WhatsApp shows.
        package let title: String
    }

    package static let maxButtons = WhatsAppLimits.maxButtons
    package static let maxRows = WhatsAppLimits.maxRows
    package static let buttonTitleLimit = WhatsAppLimits.buttonTitle
    package static let rowTitleLimit = WhatsAppLimits.rowTitle
    package static let listButtonLimit = WhatsAppLimits.listButton
    package static let idLimit = WhatsAppLimits.rowId

    package let choices: [Choice]
    package let asList: Bool

    package init(options: [String]) {
        let shown = Array(options.prefix(Self.maxRows))
        asList = shown.count > Self.maxButtons
        let limit = asList ? Self.rowTitleLimit : Self.buttonTitleLimit
        var usedTitles: Set<String> = []
        var usedIds: Set<String> = []
        var choices: [Choice] = []
        for (index, option) in shown.enumerated() {
            var title = TextNormalization.truncatedTitle(option, limit: limit)
            if title.isEmpty { title = String(index + 1) }
            title = Self.unique(title, limit: limit, used: &usedTitles, key: { $0.jsLowercased() }, suffix: { " (\($0))" })
            var id = String(Self.referenceId(option).prefix(Self.idLimit))
            id = Self.unique(id, limit: Self.idLimit, used: &usedIds, key: { $0 }, suffix: { "_\($0)" })
            choices.append(Choice(index: index, option: option, id: id, title: title))
        }
        self.choices = choices
    }

    /// The message for an options node.
    package func message(body: String, listButton: String?, defaultListButton: String = "Ver opciones") -> OutboundMessage {
        if asList {
            let button = listButton.map { TextNormalization.truncatedTitle($0, limit: Self.listButtonLimit) }.flatMap { $0.isEmpty ? nil : $0 }
            return .list(
                body: body, button: button ?? defaultListButton,
                sections: [OutboundMessage.ListSection(rows: choices.map { .init(id: $0.id, title: $0.title) })])
        }
        return .buttons(body: body, buttons: choices.map { .init(id: $0.id, title: $0.title) })
    }

    /// The option a reply selects: by interactive id (ours, the reference's, or `opt-N`), then by
    /// title (trimmed, case- and accent-insensitive, full or as shown), then by its number ("2").
    package func match(interactiveId: String?, text: String?) -> Int? {
        if let raw = interactiveId, !raw.isEmpty {
            let id = raw.trimmingJSWhitespace().jsLowercased()
            if let choice = choices.first(where: { $0.id.jsLowercased() == id || Self.referenceId($0.option) == id || "opt-\($0.index)" == id }) {
                return choice.index
            }
        }
        guard let text, let typed = TextNormalization.triggerKey(text) else { return nil }
        if let choice = choices.first(where: {
            TextNormalization.triggerKey($0.option) == typed || TextNormalization.triggerKey($0.title) == typed
        }) {
            return choice.index
        }
        if typed.allSatisfy({ $0.isASCII && $0.isNumber }), typed.count <= 3, let number = Int(typed), number >= 1, number <= choices.count {
            return number - 1
        }
        return nil
    }

    /// The reference's `toLcUnderscore`: trimmed, lower-cased, whitespace runs as `_`, "opt" if empty.
    static func referenceId(_ option: String) -> String {
        let lowered = option.trimmingJSWhitespace().jsLowercased()
        if lowered.isEmpty { return "opt" }
        var out = ""
        var inSpace = false
        for scalar in lowered.unicodeScalars {
            if JSCoercion.isWhitespace(scalar) {
                if !inSpace { out += "_" }
                inSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                inSpace = false
            }
        }
        return out
    }

    private static func unique(
        _ base: String, limit: Int, used: inout Set<String>, key: (String) -> String, suffix: (Int) -> String
    ) -> String {
        var candidate = base
        var n = 2
        while used.contains(key(candidate)) {
            let tail = suffix(n)
            candidate = String(base.prefix(max(1, limit - tail.count))) + tail
            n += 1
        }
        used.insert(key(candidate))
        return candidate
    }
}
