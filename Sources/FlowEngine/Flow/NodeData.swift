/// Typed views of node `data`, read leniently: a field of the wrong JSON type reads as absent.
/// The executor keeps the raw value where JavaScript coercion matters (see each field).
package enum NodeData: Sendable, Equatable {
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

    package init(type: NodeType, data: JSONObject) {
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

    package struct Trigger: Sendable, Equatable { package var keyword: String? }

    package struct Message: Sendable, Equatable {
        package var text: String?
        package var useTemplate: Bool
        package var templateName: String?
        package var templateLanguage: String?
        package var templateParameters: [TemplateParameter]
    }

    package struct TemplateParameter: Sendable, Equatable {
        package var component: String?
        package var subType: String?
        /// Only finite numbers count as an index.
        package var index: Double?
        package var value: JSONValue?

        init(_ raw: JSONValue) {
            let read = FieldReader(data: raw.objectValue ?? [:])
            component = read.string("component")
            subType = read.string("subType")
            index = raw["index"]?.numberValue.flatMap { $0.isFinite ? $0 : nil }
            value = raw["value"]
        }
    }

    package struct Options: Sendable, Equatable {
        package var text: String?
        /// `nil` when `data.options` is not an array; non-string entries are dropped.
        package var options: [String]?
        /// fcb extension: the list-message button label (default "Ver opciones").
        package var listButton: String?
    }

    /// `seconds` is kept raw: the executor applies JavaScript number coercion (`"5"` waits 5 s).
    package struct Delay: Sendable, Equatable { package var seconds: JSONValue? }
    /// `expression` is kept raw: the executor evaluates `String(expression ?? "false")`.
    package struct Condition: Sendable, Equatable { package var expression: JSONValue? }

    package struct APICall: Sendable, Equatable {
        package var url: String?
        package var method: String?
        package var headers: JSONObject
        package var body: JSONValue?
        package var assignTo: String?
    }

    /// `value` is kept raw: the executor stores `tpl(String(value ?? ""))`.
    package struct Assign: Sendable, Equatable {
        package var key: String?
        package var value: JSONValue?
    }

    /// `mediaType` is passed through raw, as the reference does.
    package struct Media: Sendable, Equatable {
        package var mediaType: JSONValue?
        package var url: String?
        package var id: String?
        package var caption: String?
    }

    package struct WhatsAppFlow: Sendable, Equatable {
        package var header: String?
        package var body: String?
        package var footer: String?
        package var cta: String?
    }

    /// `queue` is stored in the context raw (not interpolated).
    package struct Handoff: Sendable, Equatable {
        package var queue: JSONValue?
        package var note: String?
    }

    package struct GoTo: Sendable, Equatable { package var targetNodeId: String? }
    package struct End: Sendable, Equatable { package var reason: JSONValue? }
}

private struct FieldReader {
    let data: JSONObject
    func string(_ key: String) -> String? { data[key]?.stringValue }
}
