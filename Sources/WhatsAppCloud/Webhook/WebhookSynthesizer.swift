import FlowEngine
import Foundation

/// A realistic delivery built from scratch (`replay-webhook --text "hola" --from … --phone-number-id …`):
/// one text message in exactly the shape and style Meta sends (compact JSON, keys in Meta's
/// order, non-ASCII as `\u` escapes and `/` as `\/`).
package struct WebhookSynthesizer: Sendable {
    /// The values the example deliveries in `examples/webhooks/` use.
    package static let defaultFrom = "5491155550000"
    package static let defaultPhoneNumberId = "106540352242922"
    package static let defaultDisplayPhoneNumber = "15550783881"
    package static let defaultBusinessAccountId = "102290129340398"
    package static let defaultName = "Lucía Gómez"

    package var from: String
    package var phoneNumberId: String
    package var displayPhoneNumber: String
    package var businessAccountId: String
    package var profileName: String

    package init(
        from: String = WebhookSynthesizer.defaultFrom, phoneNumberId: String = WebhookSynthesizer.defaultPhoneNumberId,
        displayPhoneNumber: String = WebhookSynthesizer.defaultDisplayPhoneNumber,
        businessAccountId: String = WebhookSynthesizer.defaultBusinessAccountId, profileName: String = WebhookSynthesizer.defaultName
    ) {
        self.from = from
        self.phoneNumberId = phoneNumberId
        self.displayPhoneNumber = displayPhoneNumber
        self.businessAccountId = businessAccountId
        self.profileName = profileName
    }

    /// The delivery's bytes for a text message with `body`.
    package func textMessage(_ body: String, messageId: String, at date: Date) -> [UInt8] {
        let phone = PhoneNumber.normalize(from) ?? from
        var message = JSONObject()
        message["from"] = .string(phone)
        message["id"] = .string(messageId)
        message["timestamp"] = .string(String(Int64(date.timeIntervalSince1970.rounded(.down))))
        message["text"] = .object(["body": .string(body)])
        message["type"] = "text"
        var contact = JSONObject()
        contact["profile"] = .object(["name": .string(profileName)])
        contact["wa_id"] = .string(phone)
        var metadata = JSONObject()
        metadata["display_phone_number"] = .string(displayPhoneNumber)
        metadata["phone_number_id"] = .string(phoneNumberId)
        var value = JSONObject()
        value["messaging_product"] = "whatsapp"
        value["metadata"] = .object(metadata)
        value["contacts"] = .array([.object(contact)])
        value["messages"] = .array([.object(message)])
        var change = JSONObject()
        change["value"] = .object(value)
        change["field"] = "messages"
        var entry = JSONObject()
        entry["id"] = .string(businessAccountId)
        entry["changes"] = .array([.object(change)])
        var root = JSONObject()
        root["object"] = "whatsapp_business_account"
        root["entry"] = .array([.object(entry)])
        return Self.metaStyle(.object(root))
    }

    /// Compact, non-ASCII escaped as `\uXXXX` (lower-case hex), `/` as `\/`: how Meta writes JSON.
    package static func metaStyle(_ value: JSONValue) -> [UInt8] {
        let compact = Array(value.serialized().utf8)
        return BodyVariants.escapingSlashes(BodyVariants.escapingNonASCII(compact) ?? compact)
    }
}
