/// The dashboard's Prisma schema (docs/compatibility.md#columns) laid out for SQLite, for the
/// embedded default. Same table, column, index and constraint names as on PostgreSQL, so the same
/// statements and the same error messages serve both. Timestamps are ISO-8601 text in UTC with milliseconds;
/// `Json` columns hold JSON text.
enum SQLiteSharedSchema {
    static let now = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"

    static let statements: [String] = [
        """
        CREATE TABLE "User" (
            "id" TEXT NOT NULL CONSTRAINT "User_pkey" PRIMARY KEY,
            "email" TEXT NOT NULL,
            "password" TEXT NOT NULL,
            "name" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL,
            "metaVerifyToken" TEXT,
            "metaAppSecret" TEXT,
            "metaAccessToken" TEXT,
            "metaPhoneNumberId" TEXT,
            "metaBusinessAccountId" TEXT,
            "metaPhonePin" TEXT
        )
        """,
        #"CREATE UNIQUE INDEX "User_email_key" ON "User"("email")"#,
        """
        CREATE TABLE "Contact" (
            "id" TEXT NOT NULL CONSTRAINT "Contact_pkey" PRIMARY KEY,
            "phone" TEXT NOT NULL,
            "name" TEXT,
            "notes" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL,
            "userId" TEXT NOT NULL,
            CONSTRAINT "Contact_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        #"CREATE UNIQUE INDEX "Contact_phone_key" ON "Contact"("phone")"#,
        """
        CREATE TABLE "Tag" (
            "id" TEXT NOT NULL CONSTRAINT "Tag_pkey" PRIMARY KEY,
            "name" TEXT NOT NULL
        )
        """,
        #"CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name")"#,
        """
        CREATE TABLE "TagsOnContacts" (
            "contactId" TEXT NOT NULL,
            "tagId" TEXT NOT NULL,
            CONSTRAINT "TagsOnContacts_pkey" PRIMARY KEY ("contactId", "tagId"),
            CONSTRAINT "TagsOnContacts_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "TagsOnContacts_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        """
        CREATE TABLE "Flow" (
            "id" TEXT NOT NULL CONSTRAINT "Flow_pkey" PRIMARY KEY,
            "name" TEXT NOT NULL,
            "trigger" TEXT NOT NULL,
            "status" TEXT NOT NULL DEFAULT 'Draft',
            "definition" TEXT,
            "channel" TEXT NOT NULL DEFAULT 'whatsapp',
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL,
            "metaFlowId" TEXT,
            "metaFlowToken" TEXT,
            "metaFlowVersion" TEXT,
            "metaFlowRevisionId" TEXT,
            "metaFlowStatus" TEXT,
            "metaFlowMetadata" TEXT,
            "userId" TEXT NOT NULL,
            CONSTRAINT "Flow_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        #"CREATE UNIQUE INDEX "Flow_metaFlowId_key" ON "Flow"("metaFlowId")"#,
        """
        CREATE TABLE "Log" (
            "id" TEXT NOT NULL CONSTRAINT "Log_pkey" PRIMARY KEY,
            "status" TEXT NOT NULL,
            "context" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL,
            "contactId" TEXT NOT NULL,
            "flowId" TEXT NOT NULL,
            CONSTRAINT "Log_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "Log_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        """
        CREATE TABLE "Session" (
            "id" TEXT NOT NULL CONSTRAINT "Session_pkey" PRIMARY KEY,
            "status" TEXT NOT NULL DEFAULT 'Active',
            "currentNodeId" TEXT,
            "context" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL,
            "contactId" TEXT NOT NULL,
            "flowId" TEXT NOT NULL,
            CONSTRAINT "Session_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "Session_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        #"CREATE UNIQUE INDEX "Session_contactId_flowId_key" ON "Session"("contactId", "flowId")"#,
        """
        CREATE TABLE "Broadcast" (
            "id" TEXT NOT NULL CONSTRAINT "Broadcast_pkey" PRIMARY KEY,
            "title" TEXT,
            "body" TEXT NOT NULL,
            "filterTag" TEXT,
            "status" TEXT NOT NULL DEFAULT 'Draft',
            "totalRecipients" INTEGER NOT NULL DEFAULT 0,
            "successCount" INTEGER NOT NULL DEFAULT 0,
            "failureCount" INTEGER NOT NULL DEFAULT 0,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL,
            "userId" TEXT NOT NULL,
            "flowId" TEXT,
            CONSTRAINT "Broadcast_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "Broadcast_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE SET NULL ON UPDATE CASCADE
        )
        """,
        """
        CREATE TABLE "BroadcastRecipient" (
            "id" TEXT NOT NULL CONSTRAINT "BroadcastRecipient_pkey" PRIMARY KEY,
            "status" TEXT NOT NULL DEFAULT 'Pending',
            "error" TEXT,
            "messageId" TEXT,
            "conversationId" TEXT,
            "statusUpdatedAt" TEXT,
            "sentAt" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "broadcastId" TEXT NOT NULL,
            "contactId" TEXT NOT NULL,
            CONSTRAINT "BroadcastRecipient_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "BroadcastRecipient_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        #"CREATE UNIQUE INDEX "BroadcastRecipient_messageId_key" ON "BroadcastRecipient"("messageId")"#,
        """
        CREATE TABLE "Lead" (
            "id" TEXT NOT NULL CONSTRAINT "Lead_pkey" PRIMARY KEY,
            "name" TEXT NOT NULL,
            "email" TEXT NOT NULL,
            "company" TEXT,
            "phone" TEXT,
            "message" TEXT NOT NULL,
            "focusArea" TEXT,
            "status" TEXT NOT NULL DEFAULT 'new',
            "notes" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "updatedAt" TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE "Message" (
            "id" TEXT NOT NULL CONSTRAINT "Message_pkey" PRIMARY KEY,
            "waMessageId" TEXT,
            "direction" TEXT NOT NULL,
            "type" TEXT NOT NULL DEFAULT 'text',
            "content" TEXT,
            "payload" TEXT,
            "status" TEXT NOT NULL DEFAULT 'Pending',
            "error" TEXT,
            "statusUpdatedAt" TEXT,
            "createdAt" TEXT NOT NULL DEFAULT \(now),
            "contactId" TEXT NOT NULL,
            "userId" TEXT NOT NULL,
            "sessionId" TEXT,
            CONSTRAINT "Message_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "Message_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
            CONSTRAINT "Message_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE SET NULL ON UPDATE CASCADE
        )
        """,
        #"CREATE UNIQUE INDEX "Message_waMessageId_key" ON "Message"("waMessageId")"#,
        #"CREATE INDEX "Message_contactId_createdAt_idx" ON "Message"("contactId", "createdAt")"#,
        #"CREATE INDEX "Message_waMessageId_idx" ON "Message"("waMessageId")"#,
        #"CREATE INDEX "Message_userId_createdAt_idx" ON "Message"("userId", "createdAt")"#,
    ]
}
