import Foundation

@testable import WhatsAppCloud

/// The deliveries in `examples/webhooks/`.
enum WebhookExamples {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/webhooks")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func delivery(_ name: String) throws -> WebhookDelivery {
        try WebhookDelivery(body: bytes(name))
    }

    /// The only message of an example.
    static func message(_ name: String) throws -> WebhookMessage {
        let messages = try delivery(name).messageEvents.map(\.message)
        guard messages.count == 1, let message = messages.first else { throw ExampleError("\(name) has \(messages.count) messages") }
        return message
    }

    struct ExampleError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
