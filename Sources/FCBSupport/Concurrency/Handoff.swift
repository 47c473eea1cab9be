import Synchronization

/// Hands values from one task to another waiting for them, one at a time: ``give(_:)`` resumes
/// the waiter, or keeps the value until ``next()`` asks for it (a value given while one is
/// already kept is dropped — each is handed over once). The group commit and the ack batcher
/// use one per waiting request.
package final class Handoff<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiter: CheckedContinuation<Value, Never>?)>((nil, nil))

    package init() {}

    package func give(_ value: Value) {
        let waiter = state.withLock { s -> CheckedContinuation<Value, Never>? in
            guard let waiter = s.waiter else {
                if s.value == nil { s.value = value }
                return nil
            }
            s.waiter = nil
            return waiter
        }
        waiter?.resume(returning: value)
    }

    /// The next value given (at once when one is kept). One waiter at a time.
    package func next() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> Value? in
                if let value = s.value {
                    s.value = nil
                    return value
                }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
