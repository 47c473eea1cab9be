/// One inbound `messages[]` item, decoded field by field as Meta documents it. Fields mirror
/// the wire format (a text message has `text`, an image `image`, …) so code that needs the
/// reference's exact precedence rules can look at every field, and ``kind`` gives the switchable
/// view. Unknown fields and types decode fine; they stay in ``raw``.
public struct WebhookMessage: Sendable, Equatable {
    /// `wamid.…`; the idempotency key of the pipeline.
    public var id: String
    /// The sender's phone number; absent when the user hides it behind a username (BSUID only).
    public var from: String?
    /// The sender's business-scoped user id (BSUID).
    public var fromUserId: String?
    /// Unix seconds, as Meta writes it (a string).
    public var timestamp: String?
    /// As delivered (`text`, `interactive`, `image`, …); nil when absent.
    public var type: String?

    public var text: Text?
    public var interactive: Interactive?
    /// A template quick-reply button tap.
    public var button: Button?
    public var image: Media?
    public var video: Media?
    public var audio: Media?
    public var document: Media?
    public var sticker: Media?
    public var location: Location?
    public var contacts: [SharedContact]?
    public var reaction: Reaction?
    public var order: Order?
    public var system: System?
    public var context: Context?
    /// Click-to-WhatsApp ad referral, kept as delivered.
    public var referral: JSONValue?
    /// Why Meta could not deliver the content (`unsupported` messages, 131051, …).
    public var errors: [WebhookErrorDetail]

    /// The item exactly as delivered (the pipeline stores it as `Message.payload`).
    public let raw: JSONValue
    /// Where the item sits in the delivery.
    public let pointer: JSONPointer

    public var kind: WebhookMessageKind { WebhookMessageKind(type) }

    public struct Text: Sendable, Equatable {
        public var body: String?
    }

    /// `interactive`: `button_reply`, `list_reply`, `nfm_reply` (WhatsApp Flow response), or
    /// another type kept in the message's raw JSON.
    public struct Interactive: Sendable, Equatable {
        public var type: String?
        public var buttonReply: Reply?
        public var listReply: Reply?
        public var nfmReply: FlowReply?
    }

    public struct Reply: Sendable, Equatable {
        public var id: String?
        public var title: String?
        public var description: String?
    }

    /// A WhatsApp Flow completion: `{name:"flow", body:"Sent", response_json:"{…}"}`.
    public struct FlowReply: Sendable, Equatable {
        public var name: String?
        public var body: String?
        /// JSON text (a string inside the JSON), as Meta sends it.
        public var responseJSON: String?
    }

    public struct Button: Sendable, Equatable {
        public var payload: String?
        public var text: String?
    }

    /// image, video, audio, document or sticker.
    public struct Media: Sendable, Equatable {
        public var id: String?
        public var mimeType: String?
        public var sha256: String?
        public var caption: String?
        /// Documents only.
        public var filename: String?
        /// A download URL, when Meta includes one.
        public var url: String?
        /// Audio recorded as a voice note.
        public var voice: Bool?
        /// Animated sticker.
        public var animated: Bool?
        /// The object as delivered (handed to the flow as `image`, `document`, …).
        public let raw: JSONValue
    }

    public struct Location: Sendable, Equatable {
        public var latitude: Double?
        public var longitude: Double?
        public var name: String?
        public var address: String?
        public var url: String?
    }

    /// A contact card the user shared (`contacts[]` inside the message).
    public struct SharedContact: Sendable, Equatable {
        public var formattedName: String?
        public var phones: [Phone]
        public let raw: JSONValue

        public struct Phone: Sendable, Equatable {
            public var phone: String?
            public var waId: String?
            public var type: String?
        }
    }

    /// A reaction to an earlier message; no `emoji` means the reaction was removed.
    public struct Reaction: Sendable, Equatable {
        public var messageId: String?
        public var emoji: String?
    }

    public struct Order: Sendable, Equatable {
        public var catalogId: String?
        public var text: String?
        public var items: [Item]

        public struct Item: Sendable, Equatable {
            public var productRetailerId: String?
            public var quantity: Double?
            public var itemPrice: Double?
            public var currency: String?
        }
    }

    /// A system notice (`user_changed_number`, `customer_identity_changed`, …).
    public struct System: Sendable, Equatable {
        public var body: String?
        public var type: String?
        /// The new phone number (`wa_id`, or `new_wa_id` in older versions).
        public var waId: String?
        public var userId: String?
    }

    /// What the message replies to or was forwarded from.
    public struct Context: Sendable, Equatable {
        public var from: String?
        public var id: String?
        public var forwarded: Bool?
        public var frequentlyForwarded: Bool?
        public var referredProductRetailerId: String?
    }
}

/// The message types Meta documents, and everything else.
public enum WebhookMessageKind: Sendable, Equatable {
    case text, interactive, button, image, video, audio, document, sticker, location, contacts, reaction, order, system
    /// `unsupported` (current API versions) or `unknown` (older ones): Meta could not deliver the content.
    case unsupported
    /// Any other type, e.g. one Meta adds later.
    case other(String)
    /// No `type` field.
    case missing

    public init(_ type: String?) {
        guard let type else { self = .missing; return }
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
