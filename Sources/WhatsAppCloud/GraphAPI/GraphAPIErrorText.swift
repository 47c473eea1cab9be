import FlowEngine

/// The error texts a failed send leaves on its `Message` row (docs/compatibility.md#send-errors:
/// `meta.ts`'s normalisation, which the dashboard's replies and broadcasts use), plus fcb's
/// additions (docs/differences.md#sending).
package enum GraphAPIErrorText {
    package static let missingCredentials = "Missing Meta API credentials"
    package static let invalidPhone = "Invalid destination phone number"
    package static let timedOut = "Request to Meta timed out"
    package static let accessTokenExpired = "Meta access token expired. Please reconnect WhatsApp in Settings."
    /// 133010 and the tenant has no PIN (meta.ts wording).
    package static let notRegisteredNoPin =
        "Tu número de WhatsApp no está registrado. Ingresa el PIN de registro en Ajustes → WhatsApp Cloud para habilitar el envío."
    /// 133010, and registering with the tenant's PIN failed (meta.ts wording).
    package static let registrationFailed =
        "No se pudo registrar automáticamente el número de WhatsApp con el PIN configurado. Verifica el PIN en Ajustes → WhatsApp Cloud o regístralo manualmente desde Meta."
    /// 131047 (no retry, a clear error: docs/differences.md#131047-is-a-clear-error). In Spanish
    /// like the other texts the dashboard shows its users.
    package static let outsideCustomerServiceWindow =
        "Pasaron más de 24 horas desde el último mensaje del contacto: fuera de esa ventana WhatsApp solo acepta plantillas aprobadas (error 131047 de Meta)."

    /// `error.error_user_msg`, else `error.message`, else the raw text, else the status text,
    /// else "Meta API request failed"; then the access-token rule: a 401, or a 400/403 whose
    /// message mentions "access token" or "session has expired", becomes ``accessTokenExpired``.
    package static func normalized(status: Int, statusText: String, text: String, json: JSONValue?) -> String {
        let error = json?["error"]
        let message =
            nonEmpty(error?["error_user_msg"]?.stringValue) ?? nonEmpty(error?["message"]?.stringValue) ?? nonEmpty(text)
            ?? nonEmpty(statusText) ?? "Meta API request failed"
        let lower = message.jsLowercased()
        if status == 401 || ((status == 400 || status == 403) && (lower.contains("access token") || lower.contains("session has expired"))) {
            return accessTokenExpired
        }
        return message
    }

    /// A failure that never got an HTTP answer (connection refused, reset, DNS, …).
    package static func network(_ description: String) -> String {
        "Could not reach Meta: \(description)"
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}

/// Meta's error codes the sender acts on.
package enum GraphErrorCode {
    /// Phone number not registered: register with the PIN, then retry once.
    package static let notRegistered = 133010
    /// More than 24 hours since the contact's last message: never retried.
    package static let reEngagement = 131047
    /// Cloud API throughput reached.
    package static let rateLimit = 130429
    /// Too many messages to one contact in a short time ("pair rate limit").
    package static let pairRateLimit = 131056

    /// `error.code` of a Graph error body.
    package static func code(in json: JSONValue?) -> Int? {
        guard let number = json?["error"]?["code"]?.numberValue, number == number.rounded(), abs(number) < 1e15 else { return nil }
        return Int(number)
    }

    /// Worth another attempt after a backoff.
    package static func isTransient(status: Int, code: Int?) -> Bool {
        status == 429 || (500...599).contains(status) || code == rateLimit || code == pairRateLimit
    }
}
