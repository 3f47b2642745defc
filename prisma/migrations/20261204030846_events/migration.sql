-- CreateTable
CREATE TABLE "EventSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "environmentId" TEXT,
    "type" TEXT NOT NULL,
    "callbackUrl" TEXT NOT NULL,
    "signingKey" TEXT,
    "previousSigningKey" TEXT,
    "previousKeyUntil" DATETIME,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "enabledAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "refreshMinutes" INTEGER,
    "resources" TEXT NOT NULL DEFAULT '[]',
    "emitExisting" BOOLEAN NOT NULL DEFAULT false,
    "pageLimit" INTEGER NOT NULL DEFAULT 10,
    "verifyMode" TEXT NOT NULL DEFAULT 'NONE',
    "verifyHeader" TEXT,
    "verifySecret" TEXT,
    "pollState" TEXT NOT NULL DEFAULT '{}',
    "pollVersion" INTEGER NOT NULL DEFAULT 0,
    "pollSeq" INTEGER NOT NULL DEFAULT 0,
    "nextPollAt" DATETIME,
    "lastPollAt" DATETIME,
    "lastPollError" TEXT,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "deliveryDisabledReason" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EventSubscription_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "EventSubscription_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SeenItem" (
    "subscriptionId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "updatedAt" DATETIME,
    "hash" TEXT NOT NULL,

    PRIMARY KEY ("subscriptionId", "resource", "itemId"),
    CONSTRAINT "SeenItem_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "EventSubscription" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "subscriptionId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "itemId" TEXT,
    "payload" TEXT NOT NULL,
    "payloadTruncated" BOOLEAN NOT NULL DEFAULT false,
    "occurredAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveryStatus" TEXT NOT NULL DEFAULT 'pending',
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "roundAttempts" INTEGER NOT NULL DEFAULT 0,
    "deliverySeq" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastAttemptAt" DATETIME,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "deliveredAt" DATETIME,
    CONSTRAINT "Event_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "EventSubscription" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "statusCode" INTEGER,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,
    "responseExcerpt" TEXT,
    CONSTRAINT "DeliveryAttempt_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "EventSubscription_name_key" ON "EventSubscription"("name");

-- CreateIndex
CREATE INDEX "Event_subscriptionId_createdAt_idx" ON "Event"("subscriptionId", "createdAt");

-- CreateIndex
CREATE INDEX "Event_subscriptionId_deliveryStatus_idx" ON "Event"("subscriptionId", "deliveryStatus");

-- CreateIndex
CREATE INDEX "Event_createdAt_idx" ON "Event"("createdAt");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_eventId_at_idx" ON "DeliveryAttempt"("eventId", "at");

