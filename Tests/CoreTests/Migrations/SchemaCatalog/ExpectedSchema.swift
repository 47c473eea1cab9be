@testable import FCBStore

/// The `public` schema that `prisma/migrations` produces and `prisma/schema.prisma` describes
/// (docs/compatibility.md#columns), as the PostgreSQL catalog reports it. Read from a real
/// PostgreSQL 15 after applying all six migrations, and checked line by line against that table.
///
/// Conventions it encodes: `@default(cuid())` and `@updatedAt` have no database default;
/// `@default(now())` is `CURRENT_TIMESTAMP`; required relations are ON DELETE RESTRICT ON UPDATE
/// CASCADE, optional ones ON DELETE SET NULL ON UPDATE CASCADE.
package enum ExpectedSchema {
    package static let catalog = SchemaCatalog(tables: [
        table(
            "Broadcast",
            [
                id, text("title", .nullable), text("body"), text("filterTag", .nullable), text("status", default: "'Draft'::text"),
                int("totalRecipients"), int("successCount"), int("failureCount"), createdAt, updatedAt, text("userId"),
                text("flowId", .nullable),
            ],
            foreignKeys: [
                fk("Broadcast", "flowId", "Flow", onDelete: .setNull),
                fk("Broadcast", "userId", "User"),
            ]),
        table(
            "BroadcastRecipient",
            [
                id, text("status", default: "'Pending'::text"), text("error", .nullable), text("messageId", .nullable),
                text("conversationId", .nullable), timestamp("statusUpdatedAt", .nullable), timestamp("sentAt", .nullable), createdAt,
                text("broadcastId"), text("contactId"),
            ],
            indexes: [unique("BroadcastRecipient", "messageId")],
            foreignKeys: [
                fk("BroadcastRecipient", "broadcastId", "Broadcast"),
                fk("BroadcastRecipient", "contactId", "Contact"),
            ]),
        table(
            "Contact",
            [id, text("phone"), text("name", .nullable), text("notes", .nullable), createdAt, updatedAt, text("userId")],
            indexes: [unique("Contact", "phone")],
            foreignKeys: [fk("Contact", "userId", "User")]),
        table(
            "Flow",
            [
                id, text("name"), text("trigger"), text("status", default: "'Draft'::text"), json("definition"),
                text("channel", default: "'whatsapp'::text"), createdAt, updatedAt, text("metaFlowId", .nullable),
                text("metaFlowToken", .nullable), text("metaFlowVersion", .nullable), text("metaFlowRevisionId", .nullable),
                text("metaFlowStatus", .nullable), json("metaFlowMetadata"), text("userId"),
            ],
            indexes: [unique("Flow", "metaFlowId")],
            foreignKeys: [fk("Flow", "userId", "User")]),
        table(
            "Lead",
            [
                id, text("name"), text("email"), text("company", .nullable), text("phone", .nullable), text("message"),
                text("focusArea", .nullable), text("status", default: "'new'::text"), text("notes", .nullable), createdAt, updatedAt,
            ]),
        table(
            "Log",
            [id, text("status"), json("context"), createdAt, updatedAt, text("contactId"), text("flowId")],
            foreignKeys: [fk("Log", "contactId", "Contact"), fk("Log", "flowId", "Flow")]),
        table(
            "Message",
            [
                id, text("waMessageId", .nullable), text("direction"), text("type", default: "'text'::text"), text("content", .nullable),
                json("payload"), text("status", default: "'Pending'::text"), text("error", .nullable),
                timestamp("statusUpdatedAt", .nullable), createdAt, text("contactId"), text("userId"), text("sessionId", .nullable),
            ],
            indexes: [
                index("Message", ["contactId", "createdAt"]),
                index("Message", ["userId", "createdAt"]),
                index("Message", ["waMessageId"]),
                unique("Message", "waMessageId"),
            ],
            foreignKeys: [
                fk("Message", "contactId", "Contact"),
                fk("Message", "sessionId", "Session", onDelete: .setNull),
                fk("Message", "userId", "User"),
            ]),
        table(
            "Session",
            [
                id, text("status", default: "'Active'::text"), text("currentNodeId", .nullable), json("context"), createdAt,
                updatedAt, text("contactId"), text("flowId"),
            ],
            indexes: [IndexDescription(name: "Session_contactId_flowId_key", columns: ["contactId", "flowId"], isUnique: true)],
            foreignKeys: [fk("Session", "contactId", "Contact"), fk("Session", "flowId", "Flow")]),
        table("Tag", [id, text("name")], indexes: [unique("Tag", "name")]),
        table(
            "TagsOnContacts", [text("contactId"), text("tagId")], primaryKey: ["contactId", "tagId"],
            foreignKeys: [fk("TagsOnContacts", "contactId", "Contact"), fk("TagsOnContacts", "tagId", "Tag")]),
        table(
            "User",
            [
                id, text("email"), text("password"), text("name", .nullable), createdAt, updatedAt, text("metaVerifyToken", .nullable),
                text("metaAppSecret", .nullable), text("metaAccessToken", .nullable), text("metaPhoneNumberId", .nullable),
                text("metaBusinessAccountId", .nullable), text("metaPhonePin", .nullable),
            ],
            indexes: [unique("User", "email")]),
    ])

    // MARK: - Prisma's physical conventions

    private enum Nullability { case nullable }

    private static let id = text("id")
    private static let createdAt = ColumnDescription(
        name: "createdAt", type: "timestamp(3) without time zone", isNotNull: true, defaultExpression: "CURRENT_TIMESTAMP")
    private static let updatedAt = timestamp("updatedAt")

    private static func text(_ name: String, _ nullable: Nullability? = nil, default value: String? = nil) -> ColumnDescription {
        ColumnDescription(name: name, type: "text", isNotNull: nullable == nil, defaultExpression: value)
    }

    private static func timestamp(_ name: String, _ nullable: Nullability? = nil) -> ColumnDescription {
        ColumnDescription(name: name, type: "timestamp(3) without time zone", isNotNull: nullable == nil)
    }

    /// `Json?`: every Json field in the schema is optional.
    private static func json(_ name: String) -> ColumnDescription {
        ColumnDescription(name: name, type: "jsonb", isNotNull: false)
    }

    /// `Int @default(0)`.
    private static func int(_ name: String) -> ColumnDescription {
        ColumnDescription(name: name, type: "integer", isNotNull: true, defaultExpression: "0")
    }

    private static func table(
        _ name: String, _ columns: [ColumnDescription], primaryKey: [String] = ["id"], indexes: [IndexDescription] = [],
        foreignKeys: [ForeignKeyDescription] = []
    ) -> TableDescription {
        TableDescription(
            name: name, columns: columns, primaryKey: PrimaryKeyDescription(name: "\(name)_pkey", columns: primaryKey),
            indexes: indexes, foreignKeys: foreignKeys)
    }

    /// `@unique` on one field: `<Model>_<field>_key`.
    private static func unique(_ model: String, _ field: String) -> IndexDescription {
        IndexDescription(name: "\(model)_\(field)_key", columns: [field], isUnique: true)
    }

    /// `@@index([...])`: `<Model>_<fields>_idx`.
    private static func index(_ model: String, _ fields: [String]) -> IndexDescription {
        IndexDescription(name: "\(model)_\(fields.joined(separator: "_"))_idx", columns: fields, isUnique: false)
    }

    /// A relation on `field` to `target.id`: `<Model>_<field>_fkey`, ON UPDATE CASCADE.
    private static func fk(
        _ model: String, _ field: String, _ target: String, onDelete: ReferentialAction = .restrict
    )
        -> ForeignKeyDescription
    {
        ForeignKeyDescription(
            name: "\(model)_\(field)_fkey", columns: [field], referencedTable: "public.\(target)", referencedColumns: ["id"],
            onUpdate: .cascade, onDelete: onDelete)
    }
}
