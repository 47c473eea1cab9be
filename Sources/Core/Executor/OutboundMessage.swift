/// What the executor asks the sender to deliver: one WhatsApp message, already interpolated and
/// already fitted to WhatsApp's limits. ``CloudAPIRenderer`` turns it into the Cloud API body.
public enum OutboundMessage: Sendable, Equatable {
    case text(body: String)
    /// 1–3 reply buttons.
    case buttons(body: String, buttons: [ReplyButton])
    /// An interactive list (4–10 rows in total).
    case list(body: String, button: String, sections: [ListSection])
    case media(MediaMessage)
    case template(TemplateMessage)
    /// A WhatsApp Flow (interactive `flow` message).
    case flow(FlowMessage)

    public struct ReplyButton: Sendable, Equatable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    public struct ListSection: Sendable, Equatable {
        public var title: String?
        public var rows: [ListRow]
        public init(title: String? = nil, rows: [ListRow]) {
            self.title = title
            self.rows = rows
        }
    }

    public struct ListRow: Sendable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
        public init(id: String, title: String, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    public enum MediaKind: String, Sendable, Equatable, CaseIterable {
        case image, video, audio, document
    }

    public struct MediaMessage: Sendable, Equatable {
        public var kind: MediaKind
        /// A media id uploaded to Meta; wins over `url` when both are set.
        public var id: String?
        public var url: String?
        public var caption: String?
        /// Document file name shown to the recipient (documents only).
        public var filename: String?
        public init(kind: MediaKind, id: String? = nil, url: String? = nil, caption: String? = nil, filename: String? = nil) {
            self.kind = kind
            self.id = id
            self.url = url
            self.caption = caption
            self.filename = filename
        }
    }

    public struct TemplateMessage: Sendable, Equatable {
        public var name: String
        public var language: String
        public var components: [TemplateComponent]
        public init(name: String, language: String, components: [TemplateComponent] = []) {
            self.name = name
            self.language = language
            self.components = components
        }
    }

    public struct TemplateComponent: Sendable, Equatable {
        /// Lower-cased component type: `body`, `header`, `button`, …
        public var type: String
        /// Lower-cased sub type (`url`, `quick_reply`) or nil.
        public var subType: String?
        public var index: Double?
        /// Text parameters, in order.
        public var parameters: [String]
        public init(type: String, subType: String? = nil, index: Double? = nil, parameters: [String]) {
            self.type = type
            self.subType = subType
            self.index = index
            self.parameters = parameters
        }
    }

    public struct FlowMessage: Sendable, Equatable {
        public var flowId: String
        public var flowToken: String?
        public var cta: String
        public var header: String?
        public var body: String
        public var footer: String?
        /// `navigate` or `data_exchange`; nil lets Meta use its default.
        public var mode: String?
        public var action: String?
        public var actionPayload: JSONValue?
        public init(
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

/// The sender's answer (reference §1.1 `SendMessageResult`).
public enum SendResult: Sendable, Equatable {
    case success(messageId: String?)
    case failure(error: String?, status: Int?, details: JSONValue? = nil)

    public var isSuccess: Bool { if case .success = self { true } else { false } }
}
