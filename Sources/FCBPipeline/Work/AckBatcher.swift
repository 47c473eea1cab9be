import FCBStore
import FCBSupport
import FlowEngine
import Synchronization

/// Commits the inbox items of concurrent webhook requests together (docs/serve.md#group-commit):
/// a request that arrives while another request's INSERT is in flight waits for the next one,
/// which stores every waiting request's items in one multi-row INSERT and one durable commit.
/// A lone request goes out at once. No task of its own: the first waiting request leads the next
/// INSERT. A batch that fails is retried request by request, so a bad request fails alone.
final class AckBatcher: Sendable {
    private enum Turn: Sendable {
        case stored(Result<[Int64?], StoreError>)
        /// Write the queue now (this request's items included).
        case lead
    }

    private typealias Ticket = Handoff<Turn>

    private struct Queue {
        var waiting: [(InboxDelivery, Ticket)] = []
        var writing = false
    }

    let store: any InboxStore
    let maxBatch: Int
    private let queue = Mutex(Queue())

    init(store: any InboxStore, maxBatch: Int = 64) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    func enqueue(_ delivery: InboxDelivery) async throws(StoreError) -> [Int64?] {
        let ticket = Ticket()
        let leads = queue.withLock { q -> Bool in
            q.waiting.append((delivery, ticket))
            guard !q.writing else { return false }
            q.writing = true
            return true
        }
        if leads { await writeQueued() }
        while true {
            switch await ticket.next() {
            case .stored(let result): return try result.get()
            case .lead: await writeQueued()
            }
        }
    }

    /// Writes what is queued now, then hands the next write to a waiting request (or stops).
    private func writeQueued() async {
        let batch = queue.withLock { q -> [(InboxDelivery, Ticket)] in
            let taken = Array(q.waiting.prefix(maxBatch))
            q.waiting.removeFirst(taken.count)
            return taken
        }
        if !batch.isEmpty { await write(batch) }
        let next = queue.withLock { q -> Ticket? in
            guard let first = q.waiting.first else {
                q.writing = false
                return nil
            }
            return first.1
        }
        next?.give(.lead)
    }

    private func write(_ batch: [(InboxDelivery, Ticket)]) async {
        do {
            let answers = try await store.enqueue(deliveries: batch.map(\.0))
            for ((_, ticket), ids) in zip(batch, answers) { ticket.give(.stored(.success(ids))) }
        } catch {
            guard batch.count > 1 else {
                batch[0].1.give(.stored(.failure(error)))
                return
            }
            for (delivery, ticket) in batch {
                do {
                    ticket.give(.stored(.success(try await store.enqueue(deliveries: [delivery]).first ?? [])))
                } catch {
                    ticket.give(.stored(.failure(error)))
                }
            }
        }
    }
}
