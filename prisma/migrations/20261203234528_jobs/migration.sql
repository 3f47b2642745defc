-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'created',
    "singletonKey" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "retryLimit" INTEGER NOT NULL DEFAULT 2,
    "retryDelayMs" INTEGER NOT NULL DEFAULT 1000,
    "retryBackoff" BOOLEAN NOT NULL DEFAULT true,
    "leaseMs" INTEGER NOT NULL DEFAULT 60000,
    "startAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME
);

-- CreateTable
CREATE TABLE "JobSchedule" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "cron" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "nextAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Job_name_state_startAfter_idx" ON "Job"("name", "state", "startAfter");

-- CreateIndex
CREATE INDEX "Job_name_singletonKey_idx" ON "Job"("name", "singletonKey");

-- CreateIndex
CREATE INDEX "Job_state_completedAt_idx" ON "Job"("state", "completedAt");

