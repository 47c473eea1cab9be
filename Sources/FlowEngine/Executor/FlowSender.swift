import Foundation

/// Delivers one message to a contact (the Graph API sender in `serve`, a recorder in `simulate`).
package protocol FlowSender: Sendable {
    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult
}
