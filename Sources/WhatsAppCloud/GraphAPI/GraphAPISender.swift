import FCBSupport
import FlowEngine
import Logging

/// Sends flow messages through the WhatsApp Cloud API (docs/differences.md#sending):
/// `POST {META_GRAPH_URL}/{version}/{phoneNumberId}/messages` with the tenant's bearer token and
/// the exact body ``CloudAPIRenderer`` produces.
///
/// - Messages to one contact go out strictly in order, each after the previous one's answer
///   (``SerialQueues``); different contacts are sent in parallel.
/// - Every attempt takes a permit from the business number's rate limiter (``SendRateLimiter``).
/// - 133010 on the first attempt: register the number with the tenant's PIN (concurrent
///   registrations of one number are shared) and retry once.
/// - 429, 130429, 131056, 5xx and network failures: up to ``GraphRetryPolicy/maxAttempts``
///   attempts with exponential backoff and jitter, waiting on the injected clock; then
///   `.notAccepted`, which `fcb serve` defers durably (docs/serve.md#graph-outages).
/// - 131047 (outside the 24-hour window): no retry, a clear error.
/// - Timeouts are not retried: Meta may have accepted the message, and the Cloud API has no
///   idempotency key, so a retry could deliver it twice.
/// - Errors are normalised as the reference's `meta.ts` (``GraphAPIErrorText``).
///
/// The sender owns an HTTP client: call ``shutdown()`` before releasing it (async-http-client
/// traps in debug builds when a client is deinitialised while still running).
package final class GraphAPISender: FlowSender {
    package let configuration: GraphAPIConfiguration
    private let credentials: any TenantCredentialsSource
    private let clock: any FlowClock
    private let random: any RandomSource
    private let logger: Logger
    private let transport: GraphAPITransport
    private let contacts = SerialQueues()
    private let registrations = PhoneRegistrations()
    package let rateLimiter: SendRateLimiter

    package init(
        configuration: GraphAPIConfiguration = GraphAPIConfiguration(), credentials: any TenantCredentialsSource,
        clock: any FlowClock = SystemClock(), random: any RandomSource = SystemRandomSource(),
        logger: Logger = Logger(label: "fcb.graph", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.clock = clock
        self.random = random
        self.logger = logger
        transport = GraphAPITransport()
        rateLimiter = SendRateLimiter(limit: configuration.rateLimit, clock: clock)
    }

    /// Closes the HTTP client's connections; sends after this fail as network errors.
    package func shutdown() async {
        await transport.shutdown()
    }

    package func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult {
        guard let to = PhoneNumber.normalize(phone) else {
            return .failure(error: GraphAPIErrorText.invalidPhone, status: 400)
        }
        return await contacts.run(userId + "\u{0}" + to) {
            await self.deliver(userId: userId, to: to, message: message)
        }
    }

    /// Messages waiting behind the one in flight to a contact (tests, metrics).
    package func queuedSends(userId: String, to phone: String) async -> Int {
        await contacts.queued(userId + "\u{0}" + (PhoneNumber.normalize(phone) ?? phone))
    }

    private func deliver(userId: String, to: String, message: OutboundMessage) async -> SendResult {
        let tenant: TenantCredentials
        switch await loadCredentials(userId) {
        case .success(let found): tenant = found
        case .failure(let failure): return failure.result
        }
        let body: [UInt8]
        do {
            body = Array(try CloudAPIRenderer.body(for: message, to: to).serialized().utf8)
        } catch {
            return .failure(error: error.message, status: error.status)
        }
        let url = configuration.url(phoneNumberId: tenant.phoneNumberId, edge: "messages")
        var attempt = 1
        var registered = false
        while true {
            await rateLimiter.acquire(tenant.phoneNumberId)
            let exchange = await transport.post(
                url: url, token: tenant.accessToken, body: body, timeout: configuration.timeout,
                maxResponseBytes: configuration.maxResponseBytes)
            switch exchange {
            case .response(let status, let statusText, let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                let json = try? JSONValue(parsing: bytes)
                if (200...299).contains(status) {
                    return .success(messageId: Self.messageId(in: json))
                }
                let code = GraphErrorCode.code(in: json)
                if attempt == 1, !registered, status == 400, code == GraphErrorCode.notRegistered {
                    guard let pin = CloudAPIRenderer.nonBlank(tenant.pin) else {
                        return .failure(error: GraphAPIErrorText.notRegisteredNoPin, status: status, details: json)
                    }
                    let ok = await registrations.register(key: userId + ":" + tenant.phoneNumberId) {
                        await self.register(tenant: tenant, pin: pin)
                    }
                    guard ok else {
                        return .failure(error: GraphAPIErrorText.registrationFailed, status: status, details: json)
                    }
                    registered = true
                    attempt += 1
                    continue
                }
                if code == GraphErrorCode.reEngagement {
                    return .failure(error: GraphAPIErrorText.outsideCustomerServiceWindow, status: status, details: json)
                }
                if GraphErrorCode.isTransient(status: status, code: code), attempt < configuration.retry.maxAttempts {
                    await backoff(retry: attempt, reason: "HTTP \(status)\(code.map { " code \($0)" } ?? "")", to: to)
                    attempt += 1
                    continue
                }
                let error = GraphAPIErrorText.normalized(status: status, statusText: statusText, text: text, json: json)
                if GraphErrorCode.isTransient(status: status, code: code) { return .notAccepted(error: error, status: status, details: json) }
                return .failure(error: error, status: status, details: json)
            case .timeout:
                return .failure(error: GraphAPIErrorText.timedOut, status: nil)
            case .network(let description):
                if attempt < configuration.retry.maxAttempts {
                    await backoff(retry: attempt, reason: description, to: to)
                    attempt += 1
                    continue
                }
                return .notAccepted(error: GraphAPIErrorText.network(description), status: nil)
            case .tooLarge(let status):
                return .failure(error: "Meta's answer is larger than \(configuration.maxResponseBytes) bytes", status: status)
            }
        }
    }

    private struct CredentialFailure: Error {
        let result: SendResult
    }

    private func loadCredentials(_ userId: String) async -> Result<TenantCredentials, CredentialFailure> {
        let found: TenantCredentials?
        do {
            found = try await credentials.credentials(forUserId: userId)
        } catch {
            return .failure(CredentialFailure(result: .failure(error: "Could not load Meta API credentials: \(error)", status: nil)))
        }
        guard let found, let token = CloudAPIRenderer.nonBlank(found.accessToken),
            let phoneNumberId = CloudAPIRenderer.nonBlank(found.phoneNumberId)
        else {
            return .failure(CredentialFailure(result: .failure(error: GraphAPIErrorText.missingCredentials, status: nil)))
        }
        return .success(TenantCredentials(accessToken: token, phoneNumberId: phoneNumberId, pin: found.pin))
    }

    private func backoff(retry: Int, reason: String, to: String) async {
        let delay = configuration.retry.delayMilliseconds(retry: retry, unit: random.unit())
        logger.notice("Graph API send failed transiently; retrying", metadata: ["reason": "\(reason)", "retry": "\(retry)", "delayMs": "\(delay)"])
        try? await clock.sleep(milliseconds: delay)
    }

    /// `POST /{phoneNumberId}/register` with `{"messaging_product":"whatsapp","pin":…}`. Success is
    /// a 2xx, a 409, or an error message saying the number is already registered.
    private func register(tenant: TenantCredentials, pin: String) async -> Bool {
        var object = JSONObject()
        object["messaging_product"] = "whatsapp"
        object["pin"] = .string(pin)
        let exchange = await transport.post(
            url: configuration.url(phoneNumberId: tenant.phoneNumberId, edge: "register"), token: tenant.accessToken,
            body: Array(JSONValue.object(object).serialized().utf8), timeout: configuration.timeout,
            maxResponseBytes: configuration.maxResponseBytes)
        guard case .response(let status, _, let bytes) = exchange else { return false }
        if (200...299).contains(status) || status == 409 { return true }
        let message = (try? JSONValue(parsing: bytes))?["error"]?["message"]?.stringValue ?? ""
        return message.jsLowercased().contains("already registered")
    }

    /// The first string `messages[].id` of a success answer.
    static func messageId(in json: JSONValue?) -> String? {
        json?["messages"]?.arrayValue?.lazy.compactMap { $0["id"]?.stringValue }.first
    }
}
