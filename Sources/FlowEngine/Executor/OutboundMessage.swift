/// What the executor asks the sender to deliver: one WhatsApp message, already interpolated and
/// already fitted to WhatsApp's limits. ``CloudAPIRenderer`` turns it into the Cloud API body.
package enum OutboundMessage: Sendable, Equatable {
    case text(body: String)
    /// 1–3 reply buttons.
    case buttons(body: String, buttons: [ReplyButton])
    /// An interactive list (4–10 rows in total).
    case list(body: String, button: String, sections: [ListSection])
    case media(MediaMessage)
    case template(TemplateMessage)
    /// A WhatsApp Flow (interactive `flow` message).
    case flow(FlowMessage)

    package struct ReplyButton: Sendable, Equatable {
        package var id: String
        package var title: String
        package init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    package struct ListSection: Sendable, Equatable {
        package var title: String?
        package var rows: [ListRow]
        package init(title: String? = nil, rows: [ListRow]) {
            self.title = title
            self.rows = rows
        }
    }

    package struct ListRow: Sendable, Equatable {
        package var id: String
        package var title: String
        package var description: String?
        package init(id: String, title: String, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    package enum MediaKind: String, Sendable, Equatable, CaseIterable {
        case image, video, audio, document
    }

    package struct MediaMessage: Sendable, Equatable {
        package var kind: MediaKind
        /// A media id uploaded to Meta; wins over `url` when both are set.
        package var id: String?
        package var url: String?
        package var caption: String?
        /// Document file name shown to the recipient (documents only).
        package var filename: String?
        package init(kind: MediaKind, id: String? = nil, url: String? = nil, caption: String? = nil, filename: String? = nil) {
            self.kind = kind
            self.id = id
            self.url = url
            self.caption = caption
            self.filename = filename
        }
    }

    package struct TemplateMessage: Sendable, Equatable {
        package var name: String
        package var language: String
        package var components: [TemplateComponent]
        package init(name: String, language: String, components: [TemplateComponent] = []) {
            self.name = name
            self.language = language
            self.components = components
        }
    }

    package struct TemplateComponent: Sendable, Equatable {
        /// Lower-cased component type: `body`, `header`, `button`, …
        package var type: String
        /// Lower-cased sub type (`url`, `quick_reply`) or nil.
        package var subType: String?
        package var index: Double?
        /// Text parameters, in order.
        package var parameters: [String]
        package init(type: String, subType: String? = nil, index: Double? = nil, parameters: [String]) {
            self.type = type
            self.subType = subType
            self.index = index
            self.parameters = parameters
        }
    }

    package struct FlowMessage: Sendable, Equatable {
        package var flowId: String
        package var flowToken: String?
        package var cta: String
        package var header: String?
        package var body: String
        package var footer: String?
        /// `navigate` or `data_exchange`; nil lets Meta use its default.
        package var mode: String?
        package var action: String?
        package var actionPayload: JSONValue?
        package init(
            flowId: String, flowToken: String? = nil, cta: String, header: String? = nil, body: String, footer: String? = nil,
            mode: String? = nil, action: String? = nil, actionPayload: JSONValue? = nil
        ) {
            self.flowId = flowId
            self.flowToken = flowToken
            self.cta = cta
            self.header = header
            self.body = body
            self.footer = footer
            self.mode = mode
            self.action = action
            self.actionPayload = actionPayload
        }
    }
}

/// The sender's answer (the old executor's `SendMessageResult`; docs/compatibility.md#what-a-run-gets).
package enum SendResult: Sendable, Equatable {
    case success(messageId: String?)
    case failure(error: String?, status: Int?, details: JSONValue? = nil)
    /// Meta did not take the message (5xx, 429, 130429, 131056, no connection) after the sender's
    /// own retries: nothing reached the contact, so sending it again later is safe.
    case notAccepted(error: String, status: Int?, details: JSONValue? = nil)

    package var isSuccess: Bool { if case .success = self { true } else { false } }
}
