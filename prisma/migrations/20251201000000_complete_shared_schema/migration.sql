-- Completes the shared schema: everything prisma/schema.prisma declares that the dashboard's five
-- committed migrations never created (they lag the schema; the dashboard's database got these
-- parts from `prisma db push`). Every statement is guarded so the migration succeeds both on a
-- database built only from the five migrations and on one where `db push` already created some
-- or all of these parts, and repairs missing indexes and foreign keys there.

-- AlterTable
ALTER TABLE "public"."User" ADD COLUMN IF NOT EXISTS "metaBusinessAccountId" TEXT;

-- AlterTable
ALTER TABLE "public"."Contact" ADD COLUMN IF NOT EXISTS "notes" TEXT;

-- AlterTable
ALTER TABLE "public"."Flow" ADD COLUMN IF NOT EXISTS "metaFlowId" TEXT,
ADD COLUMN IF NOT EXISTS "metaFlowMetadata" JSONB,
ADD COLUMN IF NOT EXISTS "metaFlowRevisionId" TEXT,
ADD COLUMN IF NOT EXISTS "metaFlowStatus" TEXT,
ADD COLUMN IF NOT EXISTS "metaFlowToken" TEXT,
ADD COLUMN IF NOT EXISTS "metaFlowVersion" TEXT;

-- CreateTable
CREATE TABLE IF NOT EXISTS "public"."Broadcast" (
    "id" TEXT NOT NULL,
    "title" TEXT,
    "body" TEXT NOT NULL,
    "filterTag" TEXT,
    "status" TEXT NOT NULL DEFAULT 'Draft',
    "totalRecipients" INTEGER NOT NULL DEFAULT 0,
    "successCount" INTEGER NOT NULL DEFAULT 0,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "userId" TEXT NOT NULL,
    "flowId" TEXT,

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "public"."BroadcastRecipient" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "error" TEXT,
    "messageId" TEXT,
    "conversationId" TEXT,
    "statusUpdatedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "broadcastId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,

    CONSTRAINT "BroadcastRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "public"."Lead" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "company" TEXT,
    "phone" TEXT,
    "message" TEXT NOT NULL,
    "focusArea" TEXT,
    "status" TEXT NOT NULL DEFAULT 'new',
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "public"."Message" (
    "id" TEXT NOT NULL,
    "waMessageId" TEXT,
    "direction" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'text',
    "content" TEXT,
    "payload" JSONB,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "error" TEXT,
    "statusUpdatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "contactId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "sessionId" TEXT,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Flow_metaFlowId_key" ON "public"."Flow"("metaFlowId");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "BroadcastRecipient_messageId_key" ON "public"."BroadcastRecipient"("messageId");

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Message_waMessageId_key" ON "public"."Message"("waMessageId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Message_contactId_createdAt_idx" ON "public"."Message"("contactId", "createdAt");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Message_waMessageId_idx" ON "public"."Message"("waMessageId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Message_userId_createdAt_idx" ON "public"."Message"("userId", "createdAt");

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Broadcast_userId_fkey' AND conrelid = '"public"."Broadcast"'::regclass) THEN
        ALTER TABLE "public"."Broadcast" ADD CONSTRAINT "Broadcast_userId_fkey" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Broadcast_flowId_fkey' AND conrelid = '"public"."Broadcast"'::regclass) THEN
        ALTER TABLE "public"."Broadcast" ADD CONSTRAINT "Broadcast_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "public"."Flow"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'BroadcastRecipient_broadcastId_fkey' AND conrelid = '"public"."BroadcastRecipient"'::regclass) THEN
        ALTER TABLE "public"."BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "public"."Broadcast"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'BroadcastRecipient_contactId_fkey' AND conrelid = '"public"."BroadcastRecipient"'::regclass) THEN
        ALTER TABLE "public"."BroadcastRecipient" ADD CONSTRAINT "BroadcastRecipient_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "public"."Contact"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Message_contactId_fkey' AND conrelid = '"public"."Message"'::regclass) THEN
        ALTER TABLE "public"."Message" ADD CONSTRAINT "Message_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "public"."Contact"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Message_userId_fkey' AND conrelid = '"public"."Message"'::regclass) THEN
        ALTER TABLE "public"."Message" ADD CONSTRAINT "Message_userId_fkey" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;

-- AddForeignKey
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'Message_sessionId_fkey' AND conrelid = '"public"."Message"'::regclass) THEN
        ALTER TABLE "public"."Message" ADD CONSTRAINT "Message_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "public"."Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;
