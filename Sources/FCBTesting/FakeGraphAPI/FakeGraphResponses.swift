import FlowEngine
import WhatsAppCloud

/// The bodies Meta answers with (WhatsApp Cloud API reference, "Error codes").
enum FakeGraphResponses {
    /// `{"messaging_product":"whatsapp","contacts":[{"input":…,"wa_id":…}],"messages":[{"id":"wamid.…"}]}`.
    static func messageAccepted(input: String, messageId: String) -> JSONValue {
        var contact = JSONObject()
        contact["input"] = .string(input)
        contact["wa_id"] = .string(PhoneNumber.normalize(input) ?? input)
        var body = JSONObject()
        body["messaging_product"] = "whatsapp"
        body["contacts"] = .array([.object(contact)])
        body["messages"] = .array([.object(["id": .string(messageId)])])
        return .object(body)
    }

    static let success: JSONValue = ["success": true]

    struct Known {
        let httpStatus: Int
        let message: String
        let details: String?
        let subcode: Int?
    }

    /// What Meta says for the codes fcb reacts to.
    static func known(_ code: Int) -> Known {
        switch code {
        case 133010:
            Known(httpStatus: 400, message: "(#133010) Account not registered", details: "Account not registered", subcode: nil)
        case 131047:
            Known(
                httpStatus: 400, message: "(#131047) Re-engagement message",
                details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
                subcode: 2_494_010)
        case 130429:
            Known(
                httpStatus: 400, message: "(#130429) Rate limit hit",
                details: "Message failed to send because there were too many messages sent from this phone number in a short period of time.",
                subcode: nil)
        case 131056:
            Known(
                httpStatus: 400, message: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
                details:
                    "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
                subcode: nil)
        case 131030:
            Known(
                httpStatus: 400, message: "(#131030) Recipient phone number not in allowed list",
                details: "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.", subcode: nil)
        case 131000:
            Known(httpStatus: 500, message: "(#131000) Something went wrong", details: "Something went wrong", subcode: nil)
        case 190:
            Known(
                httpStatus: 401,
                message:
                    "Error validating access token: Session has expired on Thursday, 01-Jan-26 00:00:00 PST. The current time is Thursday, 01-Jan-26 01:00:00 PST.",
                details: nil, subcode: 463)
        case 100:
            Known(httpStatus: 400, message: "(#100) Invalid parameter", details: nil, subcode: nil)
        case 131009:
            Known(httpStatus: 400, message: "(#131009) Parameter value is not valid", details: nil, subcode: nil)
        default:
            Known(httpStatus: 400, message: "(#\(code)) Error \(code) from the fake Graph API", details: nil, subcode: nil)
        }
    }

    /// `{"error":{"message","type":"OAuthException","code","error_subcode"?,"fbtrace_id","error_data"?}}`.
    static func error(code: Int, subcode: Int?, message: String?, traceId: String) -> (status: Int, body: JSONValue) {
        let known = known(code)
        var error = JSONObject()
        error["message"] = .string(message ?? known.message)
        error["type"] = "OAuthException"
        error["code"] = .number(Double(code))
        if let subcode = subcode ?? known.subcode { error["error_subcode"] = .number(Double(subcode)) }
        error["fbtrace_id"] = .string(traceId)
        if let details = known.details {
            error["error_data"] = .object(["messaging_product": "whatsapp", "details": .string(details)])
        }
        return (known.httpStatus, .object(["error": .object(error)]))
    }
}
