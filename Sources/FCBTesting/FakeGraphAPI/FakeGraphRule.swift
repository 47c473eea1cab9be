import WhatsAppCloud

/// What the fake does with a request a rule matches.
package enum FakeGraphReply: Sendable, Equatable {
    /// Meta's documented success body.
    case success
    /// Meta's error body for `code` (message, type, subcode and HTTP status as Meta sends them
    /// for the codes fcb handles; `httpStatus`/`message` override).
    case graphError(code: Int, httpStatus: Int? = nil, subcode: Int? = nil, message: String? = nil)
    /// Any status with a raw body (`503` with an HTML page, …).
    case status(Int, body: String)
    /// Close the connection without answering.
    case drop
    /// Keep the request unanswered until ``FakeGraphAPI/releaseHeld()`` (or the fake stops).
    case hold
}

/// "Answer the next `times` requests to phone number X (and recipient Y) with R", optionally
/// after a delay. Rules are tried in the order they were added; the first match with
/// remaining uses answers.
package struct FakeGraphRule: Sendable, Equatable {
    package enum Edge: String, Sendable, Equatable {
        /// `POST /{version}/{id}/messages`.
        case messages
        /// `POST /{version}/{id}/register`.
        case register
        /// Anything that is not a Graph path (the recording sink used by replay-webhook tests).
        case other
    }

    package var phoneNumberId: String?
    /// Matches the messages body's `to`.
    package var recipient: String?
    /// nil: any request.
    package var edge: Edge?
    /// How many requests the rule answers; nil for every matching request.
    package var times: Int?
    package var delayMilliseconds: Int
    package var reply: FakeGraphReply

    package init(
        phoneNumberId: String? = nil, recipient: String? = nil, edge: Edge? = nil, times: Int? = 1, delayMilliseconds: Int = 0,
        reply: FakeGraphReply
    ) {
        self.phoneNumberId = phoneNumberId
        self.recipient = recipient
        self.edge = edge
        self.times = times
        self.delayMilliseconds = max(0, delayMilliseconds)
        self.reply = reply
    }

    func matches(_ request: FakeGraphRequest) -> Bool {
        if let edge {
            switch edge {
            case .other: if request.graph != nil { return false }
            case .messages, .register: if request.graph?.edge != edge.rawValue { return false }
            }
        }
        if let phoneNumberId, request.graph?.phoneNumberId != phoneNumberId { return false }
        if let recipient, request.recipient.flatMap(PhoneNumber.normalize) != PhoneNumber.normalize(recipient) {
            return false
        }
        return true
    }
}
