/// Typed views of node `data`, read leniently: a field of the wrong JSON type reads as absent.
/// The executor keeps the raw value where JavaScript coercion matters (see each field).
public enum NodeData: Sendable, Equatable {
    case trigger(Trigger)
    case message(Message)
    case options(Options)
    case delay(Delay)
    case condition(Condition)
    case api(APICall)
    case assign(Assign)
    case media(Media)
    case whatsappFlow(WhatsAppFlow)
    case handoff(Handoff)
    case goto(GoTo)
    case end(End)

    public init(type: NodeType, data: JSONObject) {
        let read = FieldReader(data: data)
        switch type {
        case .trigger: self = .trigger(Trigger(keyword: read.string("keyword")))
        case .message:
            self = .message(
                Message(
                    text: read.string("text"), useTemplate: data["useTemplate"]?.isTruthy ?? false,
                    templateName: read.string("templateName"), templateLanguage: read.string("templateLanguage"),
                    templateParameters: (data["templateParameters"]?.arrayValue ?? []).map(TemplateParameter.init)))
        case .options:
            self = .options(
                Options(
                    text: read.string("text"), options: data["options"]?.arrayValue?.compactMap(\.stringValue),
                    listButton: read.string("listButton")))
        case .delay: self = .delay(Delay(seconds: data["seconds"]))
        case .condition: self = .condition(Condition(expression: data["expression"]))
        case .api:
            self = .api(
                APICall(
                    url: read.string("url"), method: read.string("method"),
                    headers: data["headers"]?.objectValue ?? [:], body: data["body"], assignTo: read.string("assignTo")))
        case .assign: self = .assign(Assign(key: read.string("key"), value: data["value"]))
        case .media:
            self = .media(
                Media(mediaType: data["mediaType"], url: read.string("url"), id: read.string("id"), caption: read.string("caption")))
        case .whatsappFlow:
            self = .whatsappFlow(
                WhatsAppFlow(header: read.string("header"), body: read.string("body"), footer: read.string("footer"), cta: read.string("cta")))
        case .handoff: self = .handoff(Handoff(queue: data["queue"], note: read.string("note")))
        case .goto: self = .goto(GoTo(targetNodeId: read.string("targetNodeId")))
        case .end: self = .end(End(reason: data["reason"]))
        }
    }

    public struct Trigger: Sendable, Equatable { public var keyword: String? }

    public struct Message: Sendable, Equatable {
        public var text: String?
        public var useTemplate: Bool
        public var templateName: String?
        public var templateLanguage: String?
        public var templateParameters: [TemplateParameter]
    }

    public struct TemplateParameter: Sendable, Equatable {
        public var component: String?
        public var subType: String?
        /// Only finite numbers count as an index.
        public var index: Double?
        public var value: JSONValue?

        init(_ raw: JSONValue) {
            let read = FieldReader(data: raw.objectValue ?? [:])
            component = read.string("component")
            subType = read.string("subType")
            index = raw["index"]?.numberValue.flatMap { $0.isFinite ? $0 : nil }
            value = raw["value"]
        }
    }

    public struct Options: Sendable, Equatable {
        public var text: String?
        /// `nil` when `data.options` is not an array; non-string entries are dropped.
        public var options: [String]?
        /// fcb extension: the list-message button label (default "Ver opciones").
        public var listButton: String?
    }

    /// `seconds` is kept raw: the executor applies JavaScript number coercion (`"5"` waits 5 s).
    public struct Delay: Sendable, Equatable { public var seconds: JSONValue? }
    /// `expression` is kept raw: the executor evaluates `String(expression ?? "false")`.
    public struct Condition: Sendable, Equatable { public var expression: JSONValue? }

    public struct APICall: Sendable, Equatable {
        public var url: String?
        public var method: String?
        public var headers: JSONObject
        public var body: JSONValue?
        public var assignTo: String?
    }

    /// `value` is kept raw: the executor stores `tpl(String(value ?? ""))`.
    public struct Assign: Sendable, Equatable {
        public var key: String?
        public var value: JSONValue?
    }

    /// `mediaType` is passed through raw, as the reference does.
    public struct Media: Sendable, Equatable {
        public var mediaType: JSONValue?
        public var url: String?
        public var id: String?
        public var caption: String?
    }

    public struct WhatsAppFlow: Sendable, Equatable {
        public var header: String?
        public var body: String?
        public var footer: String?
        public var cta: String?
    }

    /// `queue` is stored in the context raw (not interpolated).
    public struct Handoff: Sendable, Equatable {
        public var queue: JSONValue?
        public var note: String?
    }

    public struct GoTo: Sendable, Equatable { public var targetNodeId: String? }
    public struct End: Sendable, Equatable { public var reason: JSONValue? }
}

private struct FieldReader {
    let data: JSONObject
    func string(_ key: String) -> String? { data[key]?.stringValue }
}
