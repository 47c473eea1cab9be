import FlowEngine

/// HTTP long-polling bodies: v4 joins packets with the ASCII record separator (0x1E), which
/// cannot appear in JSON text or base64, so no length prefixes are needed.
package enum EngineIOPayload {
    package static let recordSeparator: UInt8 = 0x1E

    /// The body of a polling GET response (or POST request).
    package static func encode(_ packets: [EngineIOPacket]) -> String {
        packets.map { $0.encoded() }.joined(separator: "\u{1E}")
    }

    /// Splits a polling body into packets. The size is checked first, before any work is done,
    /// so an oversized POST costs nothing; an empty record (e.g. a trailing separator) is an error.
    package static func decode(_ body: [UInt8], maxPayload: Int) throws(EngineIOError) -> [EngineIOPacket] {
        guard body.count <= maxPayload else { throw .payloadTooLarge(size: body.count, limit: maxPayload) }
        if let bad = EncodingCheck.firstInvalidUTF8Offset(body) { throw .invalidUTF8(offset: bad) }
        var packets: [EngineIOPacket] = []
        for record in body.split(separator: recordSeparator, omittingEmptySubsequences: false) {
            packets.append(try EngineIOPacket(decoding: String(decoding: record, as: UTF8.self)))
        }
        return packets
    }

    package static func decode(_ body: String, maxPayload: Int) throws(EngineIOError) -> [EngineIOPacket] {
        try decode(Array(body.utf8), maxPayload: maxPayload)
    }
}
