import ArgumentParser
import FCBStore
import FCBSupport
import FlowEngine
import Foundation

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Inspect fcb serve's durable inbox and replay parked items.",
        discussion: """
            Every accepted webhook delivery becomes inbox items (one per message, status or \
            trigger). Items that keep failing, or that cannot be processed (a phone owned by \
            another tenant, an item that does not decode), are parked: kept with their reason, \
            never dropped. `fcb inbox parked` lists them; `fcb inbox requeue` puts them back in \
            line after the cause is fixed. Works while fcb serve is running.
            """,
        subcommands: [InboxStatusCommand.self, InboxParkedCommand.self, InboxRequeueCommand.self],
        defaultSubcommand: InboxStatusCommand.self
    )
}

struct InboxStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Count the inbox's items by state and show the age of the oldest unfinished one.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withOpenedStore { store, _ in
            let stats = try await store.inboxStats()
            for state in InboxState.allCases {
                let count = stats.counts[state] ?? 0
                let shown = state == .done && stats.doneIsEstimate ? "~\(count) (estimate)" : "\(count)"
                print("\(state.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))\(shown)")
            }
            if let oldest = stats.oldestUnfinishedAt {
                print("oldest unfinished item received \(ISOTimestamp.string(oldest)) (\(Int(Date().timeIntervalSince(oldest))) s ago)")
            }
            if let oldestDone = stats.oldestDoneAt {
                print(
                    "done items kept since \(ISOTimestamp.string(oldestDone)); fcb serve deletes them after FCB_INBOX_RETENTION_DAYS days (default 7; parked items are kept)"
                )
            } else {
                print("no done items kept; fcb serve deletes them after FCB_INBOX_RETENTION_DAYS days (default 7; parked items are kept)")
            }
        }
    }
}

struct InboxParkedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parked", abstract: "List parked items, oldest first, with why each was parked.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Show at most this many items.")
    var limit = 50

    @Flag(help: "Also print each item's stored payload (JSON).")
    var payload = false

    func run() async throws {
        try await database.withOpenedStore { store, _ in
            let items = try await store.parkedItems(limit: max(1, limit))
            if items.isEmpty { print("no parked items") }
            for item in items {
                print("#\(item.id) \(item.kind) received \(ISOTimestamp.string(item.receivedAt)) attempts \(item.attempts) queue \(item.contactKey)")
                print("    \(item.lastError ?? "(no reason recorded)")")
                if payload { print("    \(item.payload.serialized())") }
            }
        }
    }
}

struct InboxRequeueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue", abstract: "Put parked items back in line (attempts reset); fcb serve picks them up.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Ids of parked items (as `fcb inbox parked` shows them, with or without #).")
    var ids: [String] = []

    @Flag(help: "Requeue every parked item.")
    var all = false

    func validate() throws {
        if ids.isEmpty && !all { throw ValidationError("give item ids or --all") }
        if !ids.isEmpty && all { throw ValidationError("give item ids or --all, not both") }
    }

    func run() async throws {
        var targets: [Int64] = []
        for text in ids {
            guard let id = Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text) else {
                throw CommandError.usage("'\(text)' is not an inbox item id")
            }
            targets.append(id)
        }
        try await database.withOpenedStore { store, _ in
            if all { targets = try await store.parkedItems(limit: 100_000).map(\.id) }
            var requeued = 0
            for id in targets {
                if try await store.requeue(id: id, at: Date()) {
                    requeued += 1
                } else {
                    print("#\(id) is not parked; left as it is")
                }
            }
            print("\(requeued) item(s) requeued")
        }
    }
}
