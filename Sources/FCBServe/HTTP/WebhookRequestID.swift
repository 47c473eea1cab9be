/// The id that ties a webhook request's log line, response header and downstream work together:
/// the client's `X-Request-Id` when it is sane (1–128 visible ASCII characters), else a fresh one.
package enum WebhookRequestID {
    package static let maxLength = 128

    package static func pick(clientValue: String?) -> String {
        if let clientValue, isSane(clientValue) { return clientValue }
        return generate()
    }

    package static func isSane(_ value: String) -> Bool {
        let scalars = value.unicodeScalars
        return !scalars.isEmpty && scalars.count <= maxLength && scalars.allSatisfy { (0x21...0x7E).contains($0.value) }
    }

    /// 32 lower-case hex digits (128 random bits).
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
