/// The rows `SchemaCatalogQuery.sql` returned from PostgreSQL 15.18 after the six migrations in
/// prisma/migrations were applied (also after five + `db push`, five + partial `db push`, and with
/// fcb's migration applied twice: all four gave these exact rows). One row per line, columns
/// separated by `|`, `\N` for NULL.
enum CatalogFixture {
    static let postgres15 = #"""
        table|Broadcast|\N|\N|\N|\N|\N|\N
        table|BroadcastRecipient|\N|\N|\N|\N|\N|\N
        table|Contact|\N|\N|\N|\N|\N|\N
        table|Flow|\N|\N|\N|\N|\N|\N
        table|Lead|\N|\N|\N|\N|\N|\N
        table|Log|\N|\N|\N|\N|\N|\N
        table|Message|\N|\N|\N|\N|\N|\N
        table|Session|\N|\N|\N|\N|\N|\N
        table|Tag|\N|\N|\N|\N|\N|\N
        table|TagsOnContacts|\N|\N|\N|\N|\N|\N
        table|User|\N|\N|\N|\N|\N|\N
        column|Broadcast|body|text|true|\N|\N|\N
        column|Broadcast|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Broadcast|failureCount|integer|true|0|\N|\N
        column|Broadcast|filterTag|text|false|\N|\N|\N
        column|Broadcast|flowId|text|false|\N|\N|\N
        column|Broadcast|id|text|true|\N|\N|\N
        column|Broadcast|status|text|true|'Draft'::text|\N|\N
        column|Broadcast|successCount|integer|true|0|\N|\N
        column|Broadcast|title|text|false|\N|\N|\N
        column|Broadcast|totalRecipients|integer|true|0|\N|\N
        column|Broadcast|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        column|Broadcast|userId|text|true|\N|\N|\N
        column|BroadcastRecipient|broadcastId|text|true|\N|\N|\N
        column|BroadcastRecipient|contactId|text|true|\N|\N|\N
        column|BroadcastRecipient|conversationId|text|false|\N|\N|\N
        column|BroadcastRecipient|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|BroadcastRecipient|error|text|false|\N|\N|\N
        column|BroadcastRecipient|id|text|true|\N|\N|\N
        column|BroadcastRecipient|messageId|text|false|\N|\N|\N
        column|BroadcastRecipient|sentAt|timestamp(3) without time zone|false|\N|\N|\N
        column|BroadcastRecipient|status|text|true|'Pending'::text|\N|\N
        column|BroadcastRecipient|statusUpdatedAt|timestamp(3) without time zone|false|\N|\N|\N
        column|Contact|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Contact|id|text|true|\N|\N|\N
        column|Contact|name|text|false|\N|\N|\N
        column|Contact|notes|text|false|\N|\N|\N
        column|Contact|phone|text|true|\N|\N|\N
        column|Contact|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        column|Contact|userId|text|true|\N|\N|\N
        column|Flow|channel|text|true|'whatsapp'::text|\N|\N
        column|Flow|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Flow|definition|jsonb|false|\N|\N|\N
        column|Flow|id|text|true|\N|\N|\N
        column|Flow|metaFlowId|text|false|\N|\N|\N
        column|Flow|metaFlowMetadata|jsonb|false|\N|\N|\N
        column|Flow|metaFlowRevisionId|text|false|\N|\N|\N
        column|Flow|metaFlowStatus|text|false|\N|\N|\N
        column|Flow|metaFlowToken|text|false|\N|\N|\N
        column|Flow|metaFlowVersion|text|false|\N|\N|\N
        column|Flow|name|text|true|\N|\N|\N
        column|Flow|status|text|true|'Draft'::text|\N|\N
        column|Flow|trigger|text|true|\N|\N|\N
        column|Flow|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        column|Flow|userId|text|true|\N|\N|\N
        column|Lead|company|text|false|\N|\N|\N
        column|Lead|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Lead|email|text|true|\N|\N|\N
        column|Lead|focusArea|text|false|\N|\N|\N
        column|Lead|id|text|true|\N|\N|\N
        column|Lead|message|text|true|\N|\N|\N
        column|Lead|name|text|true|\N|\N|\N
        column|Lead|notes|text|false|\N|\N|\N
        column|Lead|phone|text|false|\N|\N|\N
        column|Lead|status|text|true|'new'::text|\N|\N
        column|Lead|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        column|Log|contactId|text|true|\N|\N|\N
        column|Log|context|jsonb|false|\N|\N|\N
        column|Log|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Log|flowId|text|true|\N|\N|\N
        column|Log|id|text|true|\N|\N|\N
        column|Log|status|text|true|\N|\N|\N
        column|Log|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        column|Message|contactId|text|true|\N|\N|\N
        column|Message|content|text|false|\N|\N|\N
        column|Message|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Message|direction|text|true|\N|\N|\N
        column|Message|error|text|false|\N|\N|\N
        column|Message|id|text|true|\N|\N|\N
        column|Message|payload|jsonb|false|\N|\N|\N
        column|Message|sessionId|text|false|\N|\N|\N
        column|Message|status|text|true|'Pending'::text|\N|\N
        column|Message|statusUpdatedAt|timestamp(3) without time zone|false|\N|\N|\N
        column|Message|type|text|true|'text'::text|\N|\N
        column|Message|userId|text|true|\N|\N|\N
        column|Message|waMessageId|text|false|\N|\N|\N
        column|Session|contactId|text|true|\N|\N|\N
        column|Session|context|jsonb|false|\N|\N|\N
        column|Session|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|Session|currentNodeId|text|false|\N|\N|\N
        column|Session|flowId|text|true|\N|\N|\N
        column|Session|id|text|true|\N|\N|\N
        column|Session|status|text|true|'Active'::text|\N|\N
        column|Session|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        column|Tag|id|text|true|\N|\N|\N
        column|Tag|name|text|true|\N|\N|\N
        column|TagsOnContacts|contactId|text|true|\N|\N|\N
        column|TagsOnContacts|tagId|text|true|\N|\N|\N
        column|User|createdAt|timestamp(3) without time zone|true|CURRENT_TIMESTAMP|\N|\N
        column|User|email|text|true|\N|\N|\N
        column|User|id|text|true|\N|\N|\N
        column|User|metaAccessToken|text|false|\N|\N|\N
        column|User|metaAppSecret|text|false|\N|\N|\N
        column|User|metaBusinessAccountId|text|false|\N|\N|\N
        column|User|metaPhoneNumberId|text|false|\N|\N|\N
        column|User|metaPhonePin|text|false|\N|\N|\N
        column|User|metaVerifyToken|text|false|\N|\N|\N
        column|User|name|text|false|\N|\N|\N
        column|User|password|text|true|\N|\N|\N
        column|User|updatedAt|timestamp(3) without time zone|true|\N|\N|\N
        primaryKey|Broadcast|Broadcast_pkey|["id"]|\N|\N|\N|\N
        primaryKey|BroadcastRecipient|BroadcastRecipient_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Contact|Contact_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Flow|Flow_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Lead|Lead_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Log|Log_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Message|Message_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Session|Session_pkey|["id"]|\N|\N|\N|\N
        primaryKey|Tag|Tag_pkey|["id"]|\N|\N|\N|\N
        primaryKey|TagsOnContacts|TagsOnContacts_pkey|["contactId", "tagId"]|\N|\N|\N|\N
        primaryKey|User|User_pkey|["id"]|\N|\N|\N|\N
        index|BroadcastRecipient|BroadcastRecipient_messageId_key|["messageId"]|true|btree|\N|\N
        index|Contact|Contact_phone_key|["phone"]|true|btree|\N|\N
        index|Flow|Flow_metaFlowId_key|["metaFlowId"]|true|btree|\N|\N
        index|Message|Message_contactId_createdAt_idx|["contactId", "createdAt"]|false|btree|\N|\N
        index|Message|Message_userId_createdAt_idx|["userId", "createdAt"]|false|btree|\N|\N
        index|Message|Message_waMessageId_idx|["waMessageId"]|false|btree|\N|\N
        index|Message|Message_waMessageId_key|["waMessageId"]|true|btree|\N|\N
        index|Session|Session_contactId_flowId_key|["contactId", "flowId"]|true|btree|\N|\N
        index|Tag|Tag_name_key|["name"]|true|btree|\N|\N
        index|User|User_email_key|["email"]|true|btree|\N|\N
        foreignKey|Broadcast|Broadcast_flowId_fkey|["flowId"]|public.Flow|["id"]|c|n
        foreignKey|Broadcast|Broadcast_userId_fkey|["userId"]|public.User|["id"]|c|r
        foreignKey|BroadcastRecipient|BroadcastRecipient_broadcastId_fkey|["broadcastId"]|public.Broadcast|["id"]|c|r
        foreignKey|BroadcastRecipient|BroadcastRecipient_contactId_fkey|["contactId"]|public.Contact|["id"]|c|r
        foreignKey|Contact|Contact_userId_fkey|["userId"]|public.User|["id"]|c|r
        foreignKey|Flow|Flow_userId_fkey|["userId"]|public.User|["id"]|c|r
        foreignKey|Log|Log_contactId_fkey|["contactId"]|public.Contact|["id"]|c|r
        foreignKey|Log|Log_flowId_fkey|["flowId"]|public.Flow|["id"]|c|r
        foreignKey|Message|Message_contactId_fkey|["contactId"]|public.Contact|["id"]|c|r
        foreignKey|Message|Message_sessionId_fkey|["sessionId"]|public.Session|["id"]|c|n
        foreignKey|Message|Message_userId_fkey|["userId"]|public.User|["id"]|c|r
        foreignKey|Session|Session_contactId_fkey|["contactId"]|public.Contact|["id"]|c|r
        foreignKey|Session|Session_flowId_fkey|["flowId"]|public.Flow|["id"]|c|r
        foreignKey|TagsOnContacts|TagsOnContacts_contactId_fkey|["contactId"]|public.Contact|["id"]|c|r
        foreignKey|TagsOnContacts|TagsOnContacts_tagId_fkey|["tagId"]|public.Tag|["id"]|c|r
        """#

    static var rows: [[String?]] {
        postgres15.split(separator: "\n").map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).map { $0 == "\\N" ? nil : String($0) }
        }
    }
}
