-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "rateLimit" INTEGER;

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "connectorId" TEXT,
    "connectorName" TEXT NOT NULL,
    "userId" TEXT,
    "tokenId" TEXT,
    "environmentId" TEXT,
    "status" INTEGER,
    "errorCode" TEXT,
    "durationMs" INTEGER NOT NULL,
    "requestBytes" INTEGER NOT NULL,
    "responseBytes" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "Run_connectorId_at_idx" ON "Run"("connectorId", "at");

-- CreateIndex
CREATE INDEX "Run_at_idx" ON "Run"("at");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

