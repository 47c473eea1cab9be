import FCBStore
import FlowEngine
import Foundation
import Logging
import WhatsAppCloud

/// `POST /webhook?flowId=…` (docs/compatibility.md#manual-trigger, with the changes in
/// docs/differences.md#webhook-ingestion): the token is checked before anything about the flow is
/// revealed, `variables` are merged into the session, and the run goes through the inbox like any
/// message; the response waits for it.
struct ManualTrigger {
    let endpoint: WebhookEndpoint

    static let corsHeaders = [
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, X-Webhook-Token",
        "Access-Control-Max-Age": "300",
    ]

    private func fail(_ status: Int, _ message: String) -> WebhookResponse {
        .error(status, message, headers: Self.corsHeaders)
    }

    func respond(to request: WebhookRequest) async -> WebhookResponse {
        let body: JSONObject
        do {
            guard case .object(let object) = try JSONParser().parse(request.body).jsonValue else {
                return fail(400, "Payload must be a JSON object")
            }
            body = object
        } catch {
            return fail(400, "Invalid JSON payload")
        }
        let flowId = request.queryValue("flowId") ?? ""
        let token = [request.headers["x-webhook-token"], request.queryValue("token"), body["token"]?.stringValue]
            .lazy.compactMap(nonBlank).first
        let flow: FlowRecord?
        let owner: UserRecord?
        do {
            flow = flowId.isEmpty ? nil : try await endpoint.store.flow(id: flowId)
            if let token, let flow {
                owner = try await endpoint.store.users(verifyToken: token).first { $0.id == flow.userId }
            } else {
                owner = nil
            }
        } catch {
            endpoint.logger.error("manual trigger: store read failed", metadata: ["error": "\(error)", "request_id": "\(request.requestId)"])
            return fail(503, "Temporarily unable to run the flow")
        }
        // One answer for "no such flow" and "wrong token": flow ids cannot be probed.
        guard let flow, let owner else { return fail(403, "Forbidden") }

        let fields: TriggerFields
        switch TriggerFields.parse(body) {
        case .success(let parsed): fields = parsed
        case .failure(let problem): return fail(problem.status, problem.message)
        }
        guard flow.isWhatsAppChannel else { return fail(409, "Flow is not configured for WhatsApp") }
        guard flow.isActive else { return fail(409, "Flow is not active") }

        let item = NewInboxItem(
            kind: .trigger, dedupeKey: nil,
            contactKey: WorkItemKeys.contact(userId: owner.id, sender: fields.phone), userId: owner.id,
            payload: fields.payload(flowId: flow.id))
        let id: Int64
        do {
            guard let stored = try await endpoint.store.enqueue([item], receivedAt: request.receivedAt, requestId: request.requestId).first ?? nil
            else { return fail(500, "Failed to execute flow") }
            id = stored
        } catch {
            endpoint.logger.error("manual trigger: inbox write failed", metadata: ["error": "\(error)", "request_id": "\(request.requestId)"])
            return fail(503, "Temporarily unable to run the flow")
        }
        endpoint.onEnqueued()
        guard let result = await endpoint.triggers.wait(for: id, store: endpoint.store, timeout: endpoint.settings.triggerTimeout) else {
            // Durable and queued: it will run; the caller just does not wait for it.
            return .json(202, ["success": true, "queued": true, "flowId": .string(flow.id)], headers: Self.corsHeaders)
        }
        return .json(result.status, result.body, headers: Self.corsHeaders)
    }
}

/// The manual trigger's fields after the old backend's aliases and checks
/// (docs/compatibility.md#manual-trigger).
struct TriggerFields: Sendable, Equatable {
    var phone: String
    var message: String
    var name: String?
    var variables: JSONObject?
    var type: String
    var rawText: String
    var interactive: InboundMessage.Interactive?

    struct Problem: Error, Equatable {
        let status: Int
        let message: String
    }

    static func parse(_ body: JSONObject) -> Result<TriggerFields, Problem> {
        func first(_ keys: [String], in object: JSONObject = body) -> String? {
            keys.lazy.compactMap { object[$0]?.stringValue }.compactMap(nonBlank).first
        }
        guard let rawPhone = first(["from", "phone", "wa_id", "waId"]) else {
            return .failure(Problem(status: 400, message: "Missing contact phone identifier"))
        }
        guard let message = first(["message", "text", "keyword", "trigger", "input", "body"]) else {
            return .failure(Problem(status: 400, message: "Missing message text"))
        }
        guard let phone = PhoneNumber.normalize(rawPhone) else {
            return .failure(Problem(status: 400, message: "Invalid contact phone number"))
        }
        var name = first(["name", "fullName", "contactName"])
        if name == nil, case .object(let profile)? = body["profile"] {
            name = first(["name", "fullName"], in: profile)
        }
        var variables: JSONObject?
        if case .object(let object)? = body["variables"], !object.isEmpty { variables = object }
        var interactive: InboundMessage.Interactive?
        if case .object(let object)? = body["interactive"] {
            let candidate = InboundMessage.Interactive(
                type: first(["type", "interactiveType"], in: object), id: first(["id", "selectionId", "value"], in: object),
                title: first(["title", "text", "label"], in: object))
            if candidate.type != nil || candidate.id != nil || candidate.title != nil { interactive = candidate }
        }
        let type = first(["type", "messageType"]) ?? (interactive?.type != nil ? "interactive" : "text")
        let rawText = first(["rawText", "raw", "message", "text"]) ?? message
        return .success(
            TriggerFields(
                phone: phone, message: message, name: name, variables: variables, type: type, rawText: rawText, interactive: interactive))
    }

    func payload(flowId: String) -> JSONValue {
        var object: JSONObject = ["flowId": .string(flowId), "phone": .string(phone), "message": .string(message)]
        object["name"] = name.map(JSONValue.string) ?? .null
        object["variables"] = variables.map(JSONValue.object) ?? .null
        object["type"] = .string(type)
        object["rawText"] = .string(rawText)
        if let interactive {
            object["interactive"] = [
                "type": interactive.type.map(JSONValue.string) ?? .null, "id": interactive.id.map(JSONValue.string) ?? .null,
                "title": interactive.title.map(JSONValue.string) ?? .null,
            ]
        } else {
            object["interactive"] = .null
        }
        return .object(object)
    }

    init(phone: String, message: String, name: String?, variables: JSONObject?, type: String, rawText: String, interactive: InboundMessage.Interactive?) {
        self.phone = phone
        self.message = message
        self.name = name
        self.variables = variables
        self.type = type
        self.rawText = rawText
        self.interactive = interactive
    }

    /// Reads a stored trigger item's payload back.
    init?(payload: JSONValue) {
        guard let phone = payload["phone"]?.stringValue, let message = payload["message"]?.stringValue else { return nil }
        self.phone = phone
        self.message = message
        name = payload["name"]?.stringValue
        variables = payload["variables"]?.objectValue
        type = payload["type"]?.stringValue ?? "text"
        rawText = payload["rawText"]?.stringValue ?? message
        if case .object(let object)? = payload["interactive"] {
            interactive = InboundMessage.Interactive(type: object["type"]?.stringValue, id: object["id"]?.stringValue, title: object["title"]?.stringValue)
        } else {
            interactive = nil
        }
    }

    var inbound: InboundMessage {
        InboundMessage(text: message, type: type, rawText: rawText, interactive: interactive)
    }
}
