/// Shares one registration among concurrent sends that hit 133010 on the same number
/// (the reference de-duplicates per `userId:phoneNumberId`).
actor PhoneRegistrations {
    private var inFlight: [String: Task<Bool, Never>] = [:]
    private var joined: [String: Int] = [:]

    func register(key: String, _ work: @escaping @Sendable () async -> Bool) async -> Bool {
        if let running = inFlight[key] {
            joined[key, default: 0] += 1
            return await running.value
        }
        let task = Task { await work() }
        inFlight[key] = task
        let result = await task.value
        inFlight[key] = nil
        joined[key] = nil
        return result
    }

    /// Callers waiting for a registration someone else started (tests).
    func waiting(for key: String) -> Int { joined[key] ?? 0 }
}
