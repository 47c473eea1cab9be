import Foundation

/// Rows of the dashboard's Prisma schema (docs/compatibility.md#tables), as fcb reads and writes them.
/// Statuses read from these rows stay strings: the schema has no enums, the dashboard writes
/// them too, and foreign values must survive a round trip. What fcb writes is typed
/// (``SessionStatus``, ``SessionPatch``).

package struct SessionRecord: Sendable, Equatable {
    package var id: String
    package var status: String
    package var currentNodeId: String?
    /// `nil` is SQL NULL; `.null` is a JSON null.
    package var context: JSONValue?
    package var createdAt: Date
    package var updatedAt: Date
    package var contactId: String
    package var flowId: String

    package init(
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

package enum SessionStatus: String, Sendable, CaseIterable {
    case active = "Active"
    case paused = "Paused"
    case completed = "Completed"
    case errored = "Errored"
}

/// The fields one session update writes; `nil` leaves a field as it is.
package struct SessionPatch: Sendable, Equatable {
    package var status: SessionStatus?
    /// `.some(nil)` clears the current node.
    package var currentNodeId: String??
    package var context: JSONValue?

    package init(status: SessionStatus? = nil, currentNodeId: String?? = nil, context: JSONValue? = nil) {
        self.status = status
        self.currentNodeId = currentNodeId
        self.context = context
    }
}

package struct MessageRecord: Sendable, Equatable {
    package var id: String
    package var waMessageId: String?
    package var direction: String
    package var type: String
    package var content: String?
    package var payload: JSONValue?
    package var status: String
    package var error: String?
    package var statusUpdatedAt: Date?
    package var createdAt: Date
    package var contactId: String
    package var userId: String
    package var sessionId: String?

    package init(
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

package struct ContactRecord: Sendable, Equatable {
    package var id: String
    package var phone: String
    package var name: String?
    package var notes: String?
    package var createdAt: Date
    package var updatedAt: Date
    package var userId: String

    package init(id: String, phone: String, name: String? = nil, notes: String? = nil, createdAt: Date, updatedAt: Date, userId: String) {
        self.id = id
        self.phone = phone
        self.name = name
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.userId = userId
    }
}

package struct FlowRecord: Sendable, Equatable {
    /// The dashboard's status of a flow that runs (`Flow.status`; others are e.g. `Draft`).
    package static let activeStatus = "Active"

    package var id: String
    package var name: String
    package var trigger: String
    package var status: String
    package var definition: JSONValue?
    package var channel: String?
    package var createdAt: Date
    package var updatedAt: Date
    package var metaFlowId: String?
    package var metaFlowToken: String?
    package var metaFlowVersion: String?
    package var userId: String

    package init(
        id: String, name: String, trigger: String = "default", status: String = FlowRecord.activeStatus, definition: JSONValue? = nil,
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
    package var isWhatsAppChannel: Bool {
        guard let channel else { return true }
        let trimmed = channel.trimmingJSWhitespace()
        return trimmed.isEmpty || trimmed.jsLowercased() == "whatsapp"
    }

    /// Runs for new conversations and keeps its open sessions going.
    package var isActive: Bool { status == Self.activeStatus }
}

package struct LogRecord: Sendable, Equatable {
    package var id: String
    package var status: String
    package var context: JSONValue?
    package var createdAt: Date
    package var updatedAt: Date
    package var contactId: String
    package var flowId: String

    package init(id: String, status: String, context: JSONValue?, createdAt: Date, updatedAt: Date, contactId: String, flowId: String) {
        self.id = id
        self.status = status
        self.context = context
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.contactId = contactId
        self.flowId = flowId
    }
}
