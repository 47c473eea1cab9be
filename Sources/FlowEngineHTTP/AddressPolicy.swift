#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as resolved for an API call (SSRF guard,
/// docs/differences.md#api-node-status-limits-and-private-addresses).
package enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host-order value: `127.0.0.1` is `0x7F00_0001`.
    case v4(UInt32)
    /// The 128 bits as two host-order halves: `::1` is `(0, 1)`.
    case v6(high: UInt64, low: UInt64)

    /// Parses the strict textual forms only (`inet_pton`): dotted-quad IPv4, RFC 4291 IPv6.
    /// Square brackets around an IPv6 address are accepted. Shorthands such as `127.1` or
    /// `2130706433` are *not* literals here; they are host names that `getaddrinfo` turns into
    /// addresses, which are then vetted like any other resolution.
    package init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]"), text.count >= 2 {
            text = text.dropFirst().dropLast()
        }
        let string = String(text)
        var v4 = in_addr()
        if inet_pton(AF_INET, string, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, string, &v6) == 1 {
            self = IPAddress(v6Bytes: withUnsafeBytes(of: &v6) { Array($0) })
            return
        }
        return nil
    }

    /// Builds an IPv6 address from its 16 network-order bytes.
    init(v6Bytes bytes: [UInt8]) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index < 8 {
                high = high << 8 | UInt64(byte)
            } else {
                low = low << 8 | UInt64(byte)
            }
        }
        self = .v6(high: high, low: low)
    }

    /// `1.2.3.4` or the canonical compressed IPv6 text (`::ffff:127.0.0.1`, `2001:4860::8888`).
    package var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let high, let low):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { raw in
                for index in 0..<8 {
                    raw[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
                    raw[index + 8] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
                }
            }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            let ok = buffer.withUnsafeMutableBufferPointer { out in
                inet_ntop(AF_INET6, &address, out.baseAddress, socklen_t(out.count)) != nil
            }
            guard ok else { return "<invalid IPv6 address>" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// Classifies addresses for the `api` node's SSRF guard: only ``Category/public`` addresses may be
/// called unless private targets are explicitly allowed (`--allow-private-api-targets`).
package enum AddressPolicy {
    package enum Category: String, Sendable, Equatable {
        case `public`
        /// 0.0.0.0/8, `::`
        case unspecified
        /// 127.0.0.0/8, `::1`
        case loopback
        /// 10/8, 172.16/12, 192.168/16
        case `private`
        /// 100.64.0.0/10 (carrier-grade NAT)
        case sharedAddressSpace = "shared address space"
        /// 169.254/16 (cloud metadata lives at 169.254.169.254), fe80::/10
        case linkLocal = "link-local"
        /// fc00::/7
        case uniqueLocal = "unique-local"
        /// fec0::/10 (deprecated site-local)
        case siteLocal = "site-local"
        /// 224/4, ff00::/8
        case multicast
        /// 255.255.255.255
        case broadcast
        /// Documentation, benchmarking, IETF-protocol, reserved (240/4), discard-only and Teredo ranges.
        case reserved
    }

    /// The category of `address`. IPv6 addresses that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
    /// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`) take the
    /// category of the embedded IPv4 address.
    package static func category(of address: IPAddress) -> Category {
        switch address {
        case .v4(let value): return category(v4: value)
        case .v6(let high, let low): return category(v6High: high, low: low)
        }
    }

    /// `true` when an API call may go to `address` without `allowPrivateTargets`.
    package static func isPublic(_ address: IPAddress) -> Bool {
        category(of: address) == .public
    }

    private static func inV4(_ value: UInt32, _ network: UInt32, _ prefix: Int) -> Bool {
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        return value & mask == network & mask
    }

    private static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 {
        a << 24 | b << 16 | c << 8 | d
    }

    private static func category(v4 value: UInt32) -> Category {
        if value == 0xFFFF_FFFF { return .broadcast }
        if inV4(value, v4(0, 0, 0, 0), 8) { return .unspecified }
        if inV4(value, v4(127, 0, 0, 0), 8) { return .loopback }
        if inV4(value, v4(10, 0, 0, 0), 8) || inV4(value, v4(172, 16, 0, 0), 12) || inV4(value, v4(192, 168, 0, 0), 16) {
            return .private
        }
        if inV4(value, v4(100, 64, 0, 0), 10) { return .sharedAddressSpace }
        if inV4(value, v4(169, 254, 0, 0), 16) { return .linkLocal }
        if inV4(value, v4(224, 0, 0, 0), 4) { return .multicast }
        let reserved: [(UInt32, Int)] = [
            (v4(192, 0, 0, 0), 24),  // IETF protocol assignments
            (v4(192, 0, 2, 0), 24),  // TEST-NET-1
            (v4(198, 18, 0, 0), 15),  // benchmarking
            (v4(198, 51, 100, 0), 24),  // TEST-NET-2
            (v4(203, 0, 113, 0), 24),  // TEST-NET-3
            (v4(240, 0, 0, 0), 4),  // reserved
        ]
        if reserved.contains(where: { inV4(value, $0.0, $0.1) }) { return .reserved }
        return .public
    }

    private static func category(v6High high: UInt64, low: UInt64) -> Category {
        let low32 = UInt32(truncatingIfNeeded: low)
        if high == 0 {
            if low == 0 { return .unspecified }
            if low == 1 { return .loopback }
            // IPv4-mapped ::ffff:a.b.c.d
            if low >> 32 == 0xFFFF { return category(v4: low32) }
            // IPv4-compatible ::a.b.c.d (deprecated; some stacks still route it as IPv4)
            if low >> 32 == 0 { return category(v4: low32) }
            // ::ffff:0:a.b.c.d (SIIT) and anything else under ::/64
            if low >> 32 == 0xFFFF_0000 { return category(v4: low32) }
            return .reserved
        }
        let top16 = high >> 48
        let top8 = high >> 56
        // NAT64 well-known prefix 64:ff9b::/96 embeds the IPv4 address in the last 32 bits.
        if high == 0x0064_FF9B_0000_0000, low >> 32 == 0 { return category(v4: low32) }
        // Local-use NAT64 64:ff9b:1::/48 translates to whatever the operator chose: never public.
        if high >> 16 == 0x0064_FF9B_0001 { return .reserved }
        // 6to4 2002::/16 embeds the IPv4 address in bits 16…47.
        if top16 == 0x2002 {
            return category(v4: UInt32(truncatingIfNeeded: high >> 16))
        }
        if top8 == 0xFF { return .multicast }
        if high >> 57 == 0x7E { return .uniqueLocal }  // fc00::/7
        if high >> 54 == 0x3FA { return .linkLocal }  // fe80::/10
        if high >> 54 == 0x3FB { return .siteLocal }  // fec0::/10
        if high >> 32 == 0x2001_0000 { return .reserved }  // Teredo 2001::/32 (embeds an obfuscated IPv4)
        if high >> 32 == 0x2001_0DB8 { return .reserved }  // documentation 2001:db8::/32
        if high == 0x0100_0000_0000_0000 { return .reserved }  // discard-only 100::/64
        return .public
    }
}
