import Foundation
import WhatsAppCloud

/// The tenant, its 5-node flow and signed deliveries the pipeline benchmark sends.
struct PipelineFixture {
    static let tenantId = "cbenchtenant0000000000001"
    static let secret = "bench-secret"
    static let phoneNumberId = WebhookSynthesizer.defaultPhoneNumberId

    /// trigger → message → assign → condition → message: two Graph sends per inbound message,
    /// the second echoing the message's text so its arrival at the fake can be matched.
    static let flow = #"""
        {"nodes": [
          {"id": "t", "type": "trigger", "data": {"keyword": "default"}},
          {"id": "hola", "type": "message", "data": {"text": "Hola {{contact.name}}, recibimos tu mensaje."}},
          {"id": "guardar", "type": "assign", "data": {"key": "ultimo", "value": "{{lastUserMessageTrimmed}}"}},
          {"id": "check", "type": "condition", "data": {"expression": "context.ultimo.length > 0"}},
          {"id": "eco", "type": "message", "data": {"text": "eco: {{triggerMessage}}"}}
        ],
        "edges": [
          {"id": "e1", "source": "t", "target": "hola"},
          {"id": "e2", "source": "hola", "target": "guardar"},
          {"id": "e3", "source": "guardar", "target": "check"},
          {"id": "e4", "source": "check", "target": "eco", "sourceHandle": "true"},
          {"id": "e5", "source": "check", "target": "eco", "sourceHandle": "false"}
        ]}
        """#

    /// Writes `seed.json` and the flow into `directory`; returns the seed's path.
    static func writeSeed(in directory: String) throws -> String {
        let seed = """
            {"user": {"id": "\(tenantId)", "email": "bench@fcb.local", "metaPhoneNumberId": "\(phoneNumberId)",
              "metaAppSecret": "\(secret)", "metaVerifyToken": "bench-token", "metaAccessToken": "bench-access-token"},
             "flows": ["bench-flow.json"]}
            """
        try flow.write(toFile: directory + "/bench-flow.json", atomically: true, encoding: .utf8)
        let path = directory + "/seed.json"
        try seed.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One signed text-message delivery: message `index` of phase `phase`, from one of `contacts`
    /// senders (round robin, so each contact's messages stay in order).
    struct Delivery: Sendable {
        let body: [UInt8]
        let signature: String
        let text: String
    }

    static func delivery(phase: String, index: Int, contacts: Int) -> Delivery {
        let contact = index % contacts
        let synthesizer = WebhookSynthesizer(from: "54911" + String(format: "%08d", 30_000_000 + contact), profileName: "Cliente \(contact)")
        let text = "\(phase)-\(index)"
        let body = synthesizer.textMessage(text, messageId: "wamid.BENCH.\(text)", at: Date())
        return Delivery(body: body, signature: WebhookSignature.header(body: body, secret: secret), text: text)
    }

    /// The message index an echo reply carries (`eco: PHASE-INDEX`), when it is one of `phase`.
    static func echoIndex(_ replyText: String, phase: String) -> Int? {
        let prefix = "eco: \(phase)-"
        guard replyText.hasPrefix(prefix) else { return nil }
        return Int(replyText.dropFirst(prefix.count))
    }
}
