import FlowEngine

/// Reply-button and list messages, with Meta's interactive limits checked before anything is
/// sent (docs/compatibility.md#interactive-limits). Lengths are counted in
/// user-perceived characters (`String.count`), which is what Meta counts.
extension CloudAPIRenderer {
    typealias Limits = WhatsAppLimits

    /// `{type:"button", body:{text}, action:{buttons:[{type:"reply", reply:{id, title}}…]}}`.
    static func buttonsInteractive(body: String, buttons: [OutboundMessage.ReplyButton]) throws(CloudAPIRenderError) -> JSONValue {
        try checkBody(body)
        guard (1...Limits.maxButtons).contains(buttons.count) else {
            throw invalid("Reply buttons message must have 1 to \(Limits.maxButtons) buttons (got \(buttons.count))")
        }
        var seenTitles: Set<String> = []
        var items: [JSONValue] = []
        for (i, button) in buttons.enumerated() {
            let n = i + 1
            try checkLength(button.title, max: Limits.buttonTitle, "Reply button \(n) title")
            try checkLength(button.id, max: Limits.buttonId, "Reply button \(n) id")
            guard seenTitles.insert(button.title).inserted else {
                throw invalid("Reply button \(n) title \"\(button.title)\" is used by an earlier button; titles must be unique")
            }
            items.append(.object(["type": "reply", "reply": .object(["id": .string(button.id), "title": .string(button.title)])]))
        }
        var interactive = JSONObject()
        interactive["type"] = "button"
        interactive["body"] = .object(["text": .string(body)])
        interactive["action"] = .object(["buttons": .array(items)])
        return .object(interactive)
    }

    /// `{type:"list", body:{text}, action:{button, sections:[{title?, rows:[{id, title, description?}]}]}}`.
    /// A section title is sent when it is not blank; with more than one section Meta requires it.
    static func listInteractive(body: String, button: String, sections: [OutboundMessage.ListSection]) throws(CloudAPIRenderError) -> JSONValue {
        try checkBody(body)
        try checkLength(button, max: Limits.listButton, "List button text")
        if sections.isEmpty || sections.count > Limits.maxSections {
            throw invalid("List message must have 1 to \(Limits.maxSections) sections (got \(sections.count))")
        }
        let rowCount = sections.reduce(0) { $0 + $1.rows.count }
        guard (1...Limits.maxRows).contains(rowCount) else {
            throw invalid("List message must have 1 to \(Limits.maxRows) rows in total (got \(rowCount))")
        }
        var seenIds: Set<String> = []
        var renderedSections: [JSONValue] = []
        for (s, section) in sections.enumerated() {
            let sectionLabel = "List section \(s + 1)"
            var object = JSONObject()
            if let title = section.title, !title.trimmingJSWhitespace().isEmpty {
                try checkLength(title, max: Limits.sectionTitle, "\(sectionLabel) title")
                object["title"] = .string(title)
            } else if sections.count > 1 {
                throw invalid("\(sectionLabel) has no title; Meta requires a title on every section when a list has more than one")
            }
            if section.rows.isEmpty {
                throw invalid("\(sectionLabel) has no rows; every section needs at least one")
            }
            var rows: [JSONValue] = []
            for (r, row) in section.rows.enumerated() {
                let label = "\(sectionLabel) row \(r + 1)"
                try checkLength(row.id, max: Limits.rowId, "\(label) id")
                try checkLength(row.title, max: Limits.rowTitle, "\(label) title")
                guard seenIds.insert(row.id).inserted else {
                    throw invalid("\(label) id \"\(row.id)\" is used by an earlier row; row ids must be unique")
                }
                var rowObject = JSONObject()
                rowObject["id"] = .string(row.id)
                rowObject["title"] = .string(row.title)
                if let description = row.description, !description.isEmpty {
                    if description.count > Limits.rowDescription {
                        throw invalid("\(label) description must be at most \(Limits.rowDescription) characters (got \(description.count))")
                    }
                    rowObject["description"] = .string(description)
                }
                rows.append(.object(rowObject))
            }
            object["rows"] = .array(rows)
            renderedSections.append(.object(object))
        }
        var interactive = JSONObject()
        interactive["type"] = "list"
        interactive["body"] = .object(["text": .string(body)])
        interactive["action"] = .object(["button": .string(button), "sections": .array(renderedSections)])
        return .object(interactive)
    }

    private static func checkBody(_ body: String) throws(CloudAPIRenderError) {
        try checkLength(body, max: Limits.body, "Interactive message body")
    }

    /// Non-blank and at most `max` characters. Whitespace-only text counts as empty: Meta
    /// rejects it just the same.
    private static func checkLength(_ text: String, max: Int, _ what: String) throws(CloudAPIRenderError) {
        if text.trimmingJSWhitespace().isEmpty {
            throw invalid("\(what) is empty")
        }
        let count = text.count
        if count > max {
            throw invalid("\(what) must be at most \(max) characters (got \(count))")
        }
    }

    private static func invalid(_ message: String) -> CloudAPIRenderError {
        CloudAPIRenderError(status: 400, message: message)
    }
}
