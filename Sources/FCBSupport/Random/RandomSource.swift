import Synchronization

/// Where jitter and shuffling get their randomness: the system generator in production, a
/// seeded one when a run must be reproducible (`replay-webhook --seed`) or a test deterministic.
package protocol RandomSource: Sendable {
    /// A value in `0..<1`.
    func unit() -> Double
}

extension RandomSource {
    /// An index in `0..<count` (`count` > 0).
    package func index(below count: Int) -> Int {
        min(count - 1, Int(unit() * Double(count)))
    }

    /// Fisher–Yates: every order equally likely; the same seed gives the same order.
    package func shuffled<Element>(_ elements: [Element]) -> [Element] {
        var result = elements
        var i = result.count - 1
        while i > 0 {
            result.swapAt(i, index(below: i + 1))
            i -= 1
        }
        return result
    }
}

/// The system's cryptographically secure generator.
package struct SystemRandomSource: RandomSource {
    package init() {}
    package func unit() -> Double { Double.random(in: 0..<1) }
}

/// SplitMix64: small, fast and fully determined by its seed.
package final class SeededRandomSource: RandomSource {
    private let state: Mutex<UInt64>

    package init(seed: UInt64) {
        state = Mutex(seed)
    }

    package func next() -> UInt64 {
        state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    package func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
