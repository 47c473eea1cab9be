import Foundation
import Testing

@testable import FCBSupport
@testable import WhatsAppCloud

@Suite("Delivery statuses")
struct DeliveryStatusTests {
    @Test func mapping() {
        let cases: [(String, DeliveryStatus?)] = [
            ("sent", .sent), (" Delivered ", .delivered), ("READ", .read), ("failed", .failed), ("undelivered", .failed), ("deleted", .failed),
            ("warning", .warning), ("pending", .pending), ("queued", .pending), ("teleported", nil), ("", nil),
        ]
        for (raw, expected) in cases {
            #expect(DeliveryStatus(meta: raw) == expected, "\(raw)")
        }
    }

    @Test func monotonicReplacement() {
        #expect(DeliveryStatus.delivered.mayReplace(.sent))
        #expect(DeliveryStatus.read.mayReplace(.pending))
        #expect(!DeliveryStatus.delivered.mayReplace(.read))
        #expect(!DeliveryStatus.sent.mayReplace(.sent))
        #expect(DeliveryStatus.failed.mayReplace(.pending))
        #expect(DeliveryStatus.failed.mayReplace(.sent))
        #expect(!DeliveryStatus.failed.mayReplace(.delivered))
        #expect(!DeliveryStatus.failed.mayReplace(.read))
        #expect(DeliveryStatus.read.mayReplace(.failed))
        #expect(DeliveryStatus.delivered.mayReplace(.warning))
        #expect(!DeliveryStatus.sent.mayReplace(.failed))
        #expect(!DeliveryStatus.failed.mayReplace(.failed))
        #expect(DeliveryStatus.warning.mayReplace(.pending))
        #expect(!DeliveryStatus.warning.mayReplace(.delivered))
    }

    func status(_ json: String) throws -> WebhookStatus {
        let body = #"{"entry":[{"changes":[{"value":{"statuses":[\#(json)]}}]}]}"#
        let delivery = try WebhookDelivery(body: Array(body.utf8))
        guard let status = delivery.statusEvents.first?.status else { throw WebhookExamples.ExampleError("\(delivery.issues)") }
        return status
    }

    @Test func errorText() throws {
        #expect(try status(#"{"id":"w","status":"failed"}"#).errorText == "Delivery failed")
        #expect(try status(#"{"id":"w","status":"failed","errors":[{"code":131026,"title":"Message undeliverable"}]}"#).errorText == "Message undeliverable")
        #expect(try status(#"{"id":"w","status":"failed","errors":[{"code":131026,"message":" "}]}"#).errorText == "Error code 131026")
        #expect(try status(#"{"id":"w","status":"failed","errors":[{}]}"#).errorText == "Delivery failed")
        #expect(try status(#"{"id":"w","status":"failed","errors":[{"message":"m","error_data":{"details":"d"}}]}"#).errorText == "d")
    }

    @Test func timestamps() throws {
        #expect(try status(#"{"id":"w","status":"sent","timestamp":"1767225600"}"#).date == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(try status(#"{"id":"w","status":"sent","timestamp":1767225600}"#).date == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(try status(#"{"id":"w","status":"sent","timestamp":"0"}"#).date == Date(timeIntervalSince1970: 0))
        #expect(try status(#"{"id":"w","status":"sent","timestamp":"yesterday"}"#).date == nil)
        #expect(try status(#"{"id":"w","status":"sent"}"#).date == nil)
    }
}

@Suite("Timestamps outside JavaScript's range")
struct HugeTimestampTests {
    @Test func hugeStatusTimestampsAreAbsentAndFormattingNeverTraps() {
        for text in ["1e300", "-1e300", "9e12", "99999999999999999999"] {
            let status = WebhookStatus(
                id: "wamid.X", status: "read", timestamp: text, recipientId: nil, recipientUserId: nil, conversation: nil, pricing: nil,
                bizOpaqueCallbackData: nil, errors: [], raw: .null, pointer: .root)
            #expect(status.date == nil, "\(text)")
        }
        #expect(ISOTimestamp.string(Date(timeIntervalSince1970: 1e300)) == "+275760-09-13T00:00:00.000Z")
        #expect(ISOTimestamp.string(Date(timeIntervalSince1970: 8.64e12)) == "+275760-09-13T00:00:00.000Z")
        #expect(!ISOTimestamp.string(Date(timeIntervalSince1970: .nan)).isEmpty)
    }
}
