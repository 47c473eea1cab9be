import FlowEngine

/// One inbound `messages[]` item, decoded field by field as Meta documents it. Fields mirror
/// the wire format (a text message has `text`, an image `image`, …) so code that needs the
/// reference's exact precedence rules can look at every field, and ``kind`` gives the switchable
/// view. Unknown fields and types decode fine; they stay in ``raw``.
package struct WebhookMessage: Sendable, Equatable {
    /// `wamid.…`; the idempotency key of the pipeline.
    package var id: String
    /// The sender's phone number; absent when the user hides it behind a username (BSUID only).
    package var from: String?
    /// The sender's business-scoped user id (BSUID).
    package var fromUserId: String?
    /// Unix seconds, as Meta writes it (a string).
    package var timestamp: String?
    /// As delivered (`text`, `interactive`, `image`, …); nil when absent.
    package var type: String?

    package var text: Text?
    package var interactive: Interactive?
    /// A template quick-reply button tap.
    package var button: Button?
    package var image: Media?
    package var video: Media?
    package var audio: Media?
    package var document: Media?
    package var sticker: Media?
    package var location: Location?
    package var contacts: [SharedContact]?
    package var reaction: Reaction?
    package var order: Order?
    package var system: System?
    package var context: Context?
    /// Click-to-WhatsApp ad referral, kept as delivered.
    package var referral: JSONValue?
    /// Why Meta could not deliver the content (`unsupported` messages, 131051, …).
    package var errors: [WebhookErrorDetail]

    /// The item exactly as delivered (the pipeline stores it as `Message.payload`).
    package let raw: JSONValue
    /// Where the item sits in the delivery.
    package let pointer: JSONPointer

    package var kind: WebhookMessageKind { WebhookMessageKind(type) }

    package struct Text: Sendable, Equatable {
        package var body: String?
    }

    /// `interactive`: `button_reply`, `list_reply`, `nfm_reply` (WhatsApp Flow response), or
    /// another type kept in the message's raw JSON.
    package struct Interactive: Sendable, Equatable {
        package var type: String?
        package var buttonReply: Reply?
        package var listReply: Reply?
        package var nfmReply: FlowReply?
    }

    package struct Reply: Sendable, Equatable {
        package var id: String?
        package var title: String?
        package var description: String?
    }

    /// A WhatsApp Flow completion: `{name:"flow", body:"Sent", response_json:"{…}"}`.
    package struct FlowReply: Sendable, Equatable {
        package var name: String?
        package var body: String?
        /// JSON text (a string inside the JSON), as Meta sends it.
        package var responseJSON: String?
    }

    package struct Button: Sendable, Equatable {
        package var payload: String?
        package var text: String?
    }

    /// image, video, audio, document or sticker.
    package struct Media: Sendable, Equatable {
        package var id: String?
        package var mimeType: String?
        package var sha256: String?
        package var caption: String?
        /// Documents only.
        package var filename: String?
        /// A download URL, when Meta includes one.
        package var url: String?
        /// Audio recorded as a voice note.
        package var voice: Bool?
        /// Animated sticker.
        package var animated: Bool?
        /// The object as delivered (handed to the flow as `image`, `document`, …).
        package let raw: JSONValue
    }

    package struct Location: Sendable, Equatable {
        package var latitude: Double?
        package var longitude: Double?
        package var name: String?
        package var address: String?
        package var url: String?
    }

    /// A contact card the user shared (`contacts[]` inside the message).
    package struct SharedContact: Sendable, Equatable {
        package var formattedName: String?
        package var phones: [Phone]
        package let raw: JSONValue

        package struct Phone: Sendable, Equatable {
            package var phone: String?
            package var waId: String?
            package var type: String?
        }
    }

    /// A reaction to an earlier message; no `emoji` means the reaction was removed.
    package struct Reaction: Sendable, Equatable {
        package var messageId: String?
        package var emoji: String?
    }

    package struct Order: Sendable, Equatable {
        package var catalogId: String?
        package var text: String?
        package var items: [Item]

        package struct Item: Sendable, Equatable {
            package var productRetailerId: String?
            package var quantity: Double?
            package var itemPrice: Double?
            package var currency: String?
        }
    }

    /// A system notice (`user_changed_number`, `customer_identity_changed`, …).
    package struct System: Sendable, Equatable {
        package var body: String?
        package var type: String?
        /// The new phone number (`wa_id`, or `new_wa_id` in older versions).
        package var waId: String?
        package var userId: String?
    }

    /// What the message replies to or was forwarded from.
    package struct Context: Sendable, Equatable {
        package var from: String?
        package var id: String?
        package var forwarded: Bool?
        package var frequentlyForwarded: Bool?
        package var referredProductRetailerId: String?
    }
}

/// The message types Meta documents, and everything else.
package enum WebhookMessageKind: Sendable, Equatable {
    case text, interactive, button, image, video, audio, document, sticker, location, contacts, reaction, order, system
    /// `unsupported` (current API versions) or `unknown` (older ones): Meta could not deliver the content.
    case unsupported
    /// Any other type, e.g. one Meta adds later.
    case other(String)
    /// No `type` field.
    case missing

    package init(_ type: String?) {
        guard let type else {
            self = .missing
            return
        }
        switch type {
        case "text": self = .text
        case "interactive": self = .interactive
        case "button": self = .button
        case "image": self = .image
        case "video": self = .video
        case "audio": self = .audio
        case "document": self = .document
        case "sticker": self = .sticker
        case "location": self = .location
        case "contacts": self = .contacts
        case "reaction": self = .reaction
        case "order": self = .order
        case "system": self = .system
        case "unsupported", "unknown": self = .unsupported
        default: self = .other(type)
        }
    }
}
