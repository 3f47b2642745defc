-- CreateTable
CREATE TABLE "Listener" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "pathKey" TEXT NOT NULL,
    "methods" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "authMode" TEXT NOT NULL DEFAULT 'NONE',
    "authUsername" TEXT,
    "authPassword" TEXT,
    "authHeaderName" TEXT,
    "authHeaderValue" TEXT,
    "authAlgorithm" TEXT,
    "authEncoding" TEXT,
    "authPrefix" TEXT,
    "authSecret" TEXT,
    "sizeLimitBytes" INTEGER NOT NULL DEFAULT 1048576,
    "target" TEXT NOT NULL DEFAULT 'STORE',
    "callbackUrl" TEXT,
    "signingKey" TEXT,
    "connectorId" TEXT,
    "environmentId" TEXT,
    "mapping" TEXT NOT NULL DEFAULT '[]',
    "retentionDays" INTEGER NOT NULL DEFAULT 30,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Listener_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Listener_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "listenerId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "query" TEXT NOT NULL DEFAULT '',
    "headers" TEXT NOT NULL,
    "contentType" TEXT,
    "body" BLOB NOT NULL,
    "size" INTEGER NOT NULL,
    "remoteAddress" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "targetSeq" INTEGER NOT NULL DEFAULT 0,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "roundAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastAttemptAt" DATETIME,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "handedOnAt" DATETIME,
    "result" TEXT,
    CONSTRAINT "InboundMessage_listenerId_fkey" FOREIGN KEY ("listenerId") REFERENCES "Listener" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MessageAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "statusCode" INTEGER,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,
    "responseExcerpt" TEXT,
    CONSTRAINT "MessageAttempt_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "InboundMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Listener_name_key" ON "Listener"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Listener_pathKey_key" ON "Listener"("pathKey");

-- CreateIndex
CREATE INDEX "InboundMessage_listenerId_receivedAt_idx" ON "InboundMessage"("listenerId", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundMessage_listenerId_status_idx" ON "InboundMessage"("listenerId", "status");

-- CreateIndex
CREATE INDEX "InboundMessage_receivedAt_idx" ON "InboundMessage"("receivedAt");

-- CreateIndex
CREATE INDEX "MessageAttempt_messageId_at_idx" ON "MessageAttempt"("messageId", "at");

