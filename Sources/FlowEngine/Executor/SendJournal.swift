import Foundation

/// What an interrupted run already did about a send, so a resumed run never sends twice.
package enum PriorSend: Sendable, Equatable {
    /// Nothing recorded for this send: go ahead.
    case fresh
    /// The send succeeded and its Message row exists: skip the send, keep going.
    case alreadySent(MessageRecord)
    /// The send was started and never recorded (the process stopped in between). It may or may
    /// not have reached WhatsApp; it is not repeated. `rowId` is the id its row was to have.
    case unknownOutcome(rowId: String)
}

/// Records each send before it leaves (`fcb serve`'s pipeline keeps it on the inbox item).
/// Without a journal (simulate, tests) every send is fresh.
package protocol SendJournal: Sendable {
    /// Called just before sending at `nodeId` a message whose Message row will be `rowId`.
    /// Returns what an interrupted earlier attempt of the same send did; when `.fresh`, the send
    /// is recorded as started before this returns.
    func prepareSend(nodeId: String, rowId: String) async throws(StoreError) -> PriorSend

    /// Called just before an `api` node with a method that is not safe to repeat (anything but
    /// GET and HEAD) makes its request: `.interrupted` when an earlier attempt of this run was
    /// making the same call when the process stopped — it is not made again (at most once).
    /// When `.fresh`, the call is recorded as started before this returns.
    func prepareCall(nodeId: String) async throws(StoreError) -> PriorCall

    /// Called when Meta did not accept the send prepared last: `.retry(at:)` stops the run there
    /// (nothing recorded as failed) to send again at that time; `.giveUp` records it `Failed`.
    func sendNotAccepted(nodeId: String, rowId: String, error: String) async -> SendDeferral

    /// Called when a delay suspends the run, before the session moves to `nodeId`: the run is to
    /// continue there at `until`.
    func willSuspend(continuingAt nodeId: String, until: Date) async throws(StoreError)
}

extension SendJournal {
    package func willSuspend(continuingAt nodeId: String, until: Date) async throws(StoreError) {}
    package func sendNotAccepted(nodeId: String, rowId: String, error: String) async -> SendDeferral { .giveUp(reason: nil) }
    package func prepareCall(nodeId: String) async throws(StoreError) -> PriorCall { .fresh }
}

/// What an interrupted run did about an `api` call.
package enum PriorCall: Sendable, Equatable {
    case fresh
    /// The call was under way when the process stopped: it may or may not have reached the
    /// server and is not repeated.
    case interrupted
}

/// What becomes of a send Meta did not accept (docs/serve.md#graph-outages).
package enum SendDeferral: Sendable, Equatable {
    /// Stop the run before this send and send it again at `at`.
    case retry(at: Date)
    /// Record it `Failed`; `reason`, when given, is added to Meta's error.
    case giveUp(reason: String?)
}
