import FCBStore
import Foundation
import Logging
import WhatsAppCloud

/// Settings of the webhook routes that come from the environment (docs/configuration.md#settings).
package struct WebhookSettings: Sendable {
    /// `META_VERIFY_TOKEN`: accepted besides every user's `metaVerifyToken`.
    package var verifyToken: String?
    /// `META_APP_SECRET`: the secret of tenants without `metaAppSecret`, and of deliveries
    /// that name no phone number.
    package var appSecret: String?
    /// How long a manual trigger's response waits for its run.
    package var triggerTimeout: Duration

    package init(verifyToken: String? = nil, appSecret: String? = nil, triggerTimeout: Duration = .seconds(30)) {
        self.verifyToken = verifyToken.flatMap { $0.trimmingJSWhitespace().isEmpty ? nil : $0.trimmingJSWhitespace() }
        self.appSecret = appSecret.flatMap { $0.trimmingJSWhitespace().isEmpty ? nil : $0.trimmingJSWhitespace() }
        self.triggerTimeout = triggerTimeout
    }
}

/// `/webhook` and `/api/webhook` (docs/serve.md#routes): Meta's GET verification, POST deliveries
/// verified for every tenant they touch and stored in the inbox before the 200, the manual
/// trigger, and OPTIONS for the trigger's CORS preflight.
package struct WebhookEndpoint: WebhookResponder {
    let store: any PipelineStore
    /// Tenant lookups, reused for a bounded time (docs/serve.md#read-caches): one round trip per
    /// ack in the steady state, the inbox INSERT.
    let tenants: any TenantStore
    let settings: WebhookSettings
    let logger: Logger
    let metrics: PipelineMetrics
    /// Called after items were stored, so idle workers look at once.
    let onEnqueued: @Sendable () -> Void
    let triggers: TriggerResults
    /// Concurrent requests' items share one INSERT and one commit (docs/serve.md#group-commit).
    let acks: AckBatcher

    package func respond(to request: WebhookRequest) async -> WebhookResponse {
        switch request.method {
        case .get: return await verify(request)
        case .options:
            guard let flowId = request.queryValue("flowId"), !flowId.isEmpty else { return .error(404, "Not Found") }
            return WebhookResponse(status: 204, headers: ManualTrigger.corsHeaders)
        case .post:
            if request.queryValue("flowId") != nil {
                return await ManualTrigger(endpoint: self).respond(to: request)
            }
            return await accept(request)
        }
    }

    /// A delivery without `X-Hub-Signature-256` is refused on its head: nothing unsigned is read.
    package func answerBeforeBody(
        method: WebhookRequest.Method, query: [(name: String, value: String)], headers: [String: String], requestId: String
    ) -> WebhookResponse? {
        guard method == .post, !query.contains(where: { $0.name == "flowId" }), headers["x-hub-signature-256"] == nil else { return nil }
        return reject(401, "Missing signature", "no X-Hub-Signature-256", ["request_id": "\(requestId)"])
    }

    // MARK: GET

    /// Meta's subscription check (docs/compatibility.md#webhook-endpoint), tokens compared in constant time.
    func verify(_ request: WebhookRequest) async -> WebhookResponse {
        func single(_ name: String) -> String? {
            let values = request.query.filter { $0.name == name }
            return values.count == 1 ? values[0].value : nil  // a repeated parameter is not a string
        }
        guard single("hub.mode") == "subscribe" else { return .text(400, "Invalid mode") }
        guard let challenge = single("hub.challenge") else { return .text(400, "Missing hub.challenge") }
        guard let token = single("hub.verify_token")?.trimmingJSWhitespace(), !token.isEmpty else { return .text(403, "Forbidden") }
        var accepted = settings.verifyToken.map { ConstantTime.equals($0, token) } ?? false
        if !accepted {
            do {
                accepted = try await !store.users(verifyToken: token).isEmpty
            } catch {
                logger.error("webhook verification could not read users", metadata: ["error": "\(error)", "request_id": "\(request.requestId)"])
                return .text(500, "Internal Server Error")
            }
        }
        guard accepted else { return .text(403, "Forbidden") }
        return .text(200, challenge)
    }

    // MARK: POST

    /// A delivery, checked and stored in the order of docs/serve.md#accepting-a-delivery.
    func accept(_ request: WebhookRequest) async -> WebhookResponse {
        let meta: Logger.Metadata = ["request_id": "\(request.requestId)"]
        guard request.body.count <= WebhookDelivery.maxBodyBytes else { return .error(413, "Payload too large") }
        if let refusal = answerBeforeBody(method: request.method, query: request.query, headers: request.headers, requestId: request.requestId) {
            return refusal
        }
        guard let signature = request.headers["x-hub-signature-256"] else { return .error(401, "Missing signature") }
        let delivery: WebhookDelivery
        do {
            delivery = try WebhookDelivery(body: request.body)
        } catch {
            switch error {
            case .empty: return reject(400, "Empty payload", "empty body", meta)
            case .notAnObject: return reject(400, "Payload must be a JSON object", "\(error)", meta)
            case .tooLarge: return .error(413, "Payload too large")
            case .syntax: return reject(400, "Invalid JSON payload", "\(error)", meta)
            }
        }
        // Every tenant the delivery touches must have signed it (the reference checked one).
        var tenants: [String: String] = [:]
        let phoneNumberIds = delivery.phoneNumberIds
        do {
            for phoneNumberId in phoneNumberIds {
                guard let user = try await self.tenants.users(phoneNumberId: phoneNumberId).first,
                    let secret = nonBlank(user.metaAppSecret) ?? settings.appSecret
                else {
                    return reject(404, "User not configured", "no tenant with a secret for phone_number_id \(phoneNumberId)", meta)
                }
                guard WebhookSignature.verify(body: request.body, secret: secret, header: signature).isValid else {
                    return reject(401, "Invalid signature", "signature does not verify for phone_number_id \(phoneNumberId)", meta)
                }
                tenants[phoneNumberId] = user.id
            }
        } catch {
            logger.error("webhook: tenant lookup failed", metadata: meta.merging(["error": "\(error)"]) { $1 })
            return .error(503, "Temporarily unable to accept the delivery")
        }
        if phoneNumberIds.isEmpty {
            // Template status updates and other subscriptions: the app secret signs them.
            guard let secret = settings.appSecret, WebhookSignature.verify(body: request.body, secret: secret, header: signature).isValid else {
                return reject(401, "Invalid signature", "delivery names no phone_number_id and META_APP_SECRET does not verify it", meta)
            }
        }
        let items = DeliverySplitter(tenants: tenants).items(for: delivery)
        do {
            let ids = try await acks.enqueue(InboxDelivery(items: items, receivedAt: request.receivedAt, requestId: request.requestId))
            let stored = ids.compactMap { $0 }.count
            metrics.accepted(items: stored, duplicates: ids.count - stored)
            logger.info(
                "webhook accepted",
                metadata: meta.merging(["items": "\(stored)", "duplicates": "\(ids.count - stored)"]) { $1 })
            if stored > 0 { onEnqueued() }
        } catch {
            // Not stored: answer so that Meta delivers it again.
            logger.error("webhook: inbox write failed", metadata: meta.merging(["error": "\(error)"]) { $1 })
            return .error(503, "Temporarily unable to accept the delivery")
        }
        return .json(200, ["success": true])
    }

    private func reject(_ status: Int, _ message: String, _ detail: String, _ meta: Logger.Metadata) -> WebhookResponse {
        logger.warning("webhook rejected: \(detail)", metadata: meta.merging(["status": "\(status)"]) { $1 })
        return .error(status, message)
    }
}

func nonBlank(_ value: String?) -> String? {
    guard let trimmed = value?.trimmingJSWhitespace(), !trimmed.isEmpty else { return nil }
    return trimmed
}
