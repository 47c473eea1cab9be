import Foundation

/// Rows of the dashboard's Prisma schema (reference §7.1), as fcb reads and writes them.
/// Statuses stay strings: the schema has no enums, and foreign values must survive a round trip.

public struct SessionRecord: Sendable, Equatable {
    public var id: String
    public var status: String
    public var currentNodeId: String?
    /// `nil` is SQL NULL; `.null` is a JSON null.
    public var context: JSONValue?
    public var createdAt: Date
    public var updatedAt: Date
    public var contactId: String
    public var flowId: String

    public init(
        id: String, status: String = SessionStatus.active.rawValue, currentNodeId: String? = nil, context: JSONValue? = nil,
        createdAt: Date, updatedAt: Date, contactId: String, flowId: String
    ) {
        self.id = id
        self.status = status
        self.currentNodeId = currentNodeId
        self.context = context
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.contactId = contactId
        self.flowId = flowId
    }
}

public enum SessionStatus: String, Sendable, CaseIterable {
    case active = "Active"
    case paused = "Paused"
    case completed = "Completed"
    case errored = "Errored"
}

/// The fields one session update writes; `nil` leaves a field as it is.
public struct SessionPatch: Sendable, Equatable {
    public var status: String?
    /// `.some(nil)` clears the current node.
    public var currentNodeId: String??
    public var context: JSONValue?

    public init(status: String? = nil, currentNodeId: String?? = nil, context: JSONValue? = nil) {
        self.status = status
        self.currentNodeId = currentNodeId
        self.context = context
    }
}

public struct MessageRecord: Sendable, Equatable {
    public var id: String
    public var waMessageId: String?
    public var direction: String
    public var type: String
    public var content: String?
    public var payload: JSONValue?
    public var status: String
    public var error: String?
    public var statusUpdatedAt: Date?
    public var createdAt: Date
    public var contactId: String
    public var userId: String
    public var sessionId: String?

    public init(
        id: String, waMessageId: String? = nil, direction: String, type: String = "text", content: String? = nil,
        payload: JSONValue? = nil, status: String = "Pending", error: String? = nil, statusUpdatedAt: Date? = nil,
        createdAt: Date, contactId: String, userId: String, sessionId: String? = nil
    ) {
        self.id = id
        self.waMessageId = waMessageId
        self.direction = direction
        self.type = type
        self.content = content
        self.payload = payload
        self.status = status
        self.error = error
        self.statusUpdatedAt = statusUpdatedAt
        self.createdAt = createdAt
        self.contactId = contactId
        self.userId = userId
        self.sessionId = sessionId
    }
}

public struct ContactRecord: Sendable, Equatable {
    public var id: String
    public var phone: String
    public var name: String?
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var userId: String

    public init(id: String, phone: String, name: String? = nil, notes: String? = nil, createdAt: Date, updatedAt: Date, userId: String) {
        self.id = id
        self.phone = phone
        self.name = name
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.userId = userId
    }
}

public struct FlowRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var trigger: String
    public var status: String
    public var definition: JSONValue?
    public var channel: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var metaFlowId: String?
    public var metaFlowToken: String?
    public var metaFlowVersion: String?
    public var userId: String

    public init(
        id: String, name: String, trigger: String = "default", status: String = "Active", definition: JSONValue? = nil,
        channel: String? = "whatsapp", createdAt: Date, updatedAt: Date, metaFlowId: String? = nil, metaFlowToken: String? = nil,
        metaFlowVersion: String? = nil, userId: String
    ) {
        self.id = id
        self.name = name
        self.trigger = trigger
        self.status = status
        self.definition = definition
        self.channel = channel
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.metaFlowId = metaFlowId
        self.metaFlowToken = metaFlowToken
        self.metaFlowVersion = metaFlowVersion
        self.userId = userId
    }

    /// The reference's `isWhatsappChannel`: null, blank or "whatsapp" (trimmed, any case).
    public var isWhatsAppChannel: Bool {
        guard let channel else { return true }
        let trimmed = channel.trimmingJSWhitespace()
        return trimmed.isEmpty || trimmed.jsLowercased() == "whatsapp"
    }
}

public struct LogRecord: Sendable, Equatable {
    public var id: String
    public var status: String
    public var context: JSONValue?
    public var createdAt: Date
    public var updatedAt: Date
    public var contactId: String
    public var flowId: String

    public init(id: String, status: String, context: JSONValue?, createdAt: Date, updatedAt: Date, contactId: String, flowId: String) {
        self.id = id
        self.status = status
        self.context = context
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.contactId = contactId
        self.flowId = flowId
    }
}
