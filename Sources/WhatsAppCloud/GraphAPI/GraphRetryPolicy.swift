/// Bounded exponential backoff with "equal jitter" for transient failures (429, 130429,
/// 131056, 5xx, network errors): retry `n` waits between half and all of
/// `min(maxDelay, baseDelay × 2^(n-1))`, so waits never collapse to zero and never exceed the cap.
package struct GraphRetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first one included.
    package var maxAttempts: Int
    package var baseDelayMilliseconds: Int
    package var maxDelayMilliseconds: Int

    package init(maxAttempts: Int = 4, baseDelayMilliseconds: Int = 500, maxDelayMilliseconds: Int = 8_000) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMilliseconds = max(0, baseDelayMilliseconds)
        self.maxDelayMilliseconds = max(0, maxDelayMilliseconds)
    }

    /// The ceiling of retry `retry` (1 for the first retry).
    package func ceilingMilliseconds(retry: Int) -> Int {
        let exponent = min(max(0, retry - 1), 30)
        let (product, overflow) = baseDelayMilliseconds.multipliedReportingOverflow(by: 1 << exponent)
        return min(maxDelayMilliseconds, overflow ? Int.max : product)
    }

    /// The wait before retry `retry`, for a jitter value `unit` in `0..<1`.
    package func delayMilliseconds(retry: Int, unit: Double) -> Int {
        let ceiling = ceilingMilliseconds(retry: retry)
        let half = ceiling / 2
        let jitter = Int((Double(ceiling - half) * min(max(unit, 0), 1)).rounded(.down))
        return min(ceiling, half + jitter)
    }
}
