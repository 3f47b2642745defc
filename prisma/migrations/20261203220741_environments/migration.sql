-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EnvVariable" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT,
    "secret" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "EnvVariable_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnvOverride" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "authConfigId" TEXT NOT NULL,
    "fieldId" TEXT NOT NULL,
    "value" TEXT,
    "secretReference" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EnvOverride_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EnvOverride_authConfigId_fkey" FOREIGN KEY ("authConfigId") REFERENCES "AuthConfig" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- "Needs reconnect" moves from the configuration to its token sets (one per connection and owner).
CREATE TABLE "_NeedsReconnect" AS SELECT "id", "needsReconnectReason" FROM "AuthConfig" WHERE "needsReconnect" = true;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'MEMBER',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "sessionVersion" INTEGER NOT NULL DEFAULT 0,
    "lastSignInAt" DATETIME,
    "environmentId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "User_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_User" ("active", "createdAt", "email", "id", "lastSignInAt", "mustChangePassword", "name", "passwordHash", "role", "sessionVersion", "updatedAt") SELECT "active", "createdAt", "email", "id", "lastSignInAt", "mustChangePassword", "name", "passwordHash", "role", "sessionVersion", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "new_AuthConfig" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "subProtocol" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "secrets" JSONB NOT NULL,
    "testUrl" TEXT,
    "lastTestAt" DATETIME,
    "lastTestOk" BOOLEAN,
    "lastTestMessage" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_AuthConfig" ("createdAt", "id", "lastTestAt", "lastTestMessage", "lastTestOk", "name", "protocol", "secrets", "settings", "subProtocol", "testUrl", "updatedAt") SELECT "createdAt", "id", "lastTestAt", "lastTestMessage", "lastTestOk", "name", "protocol", "secrets", "settings", "subProtocol", "testUrl", "updatedAt" FROM "AuthConfig";
DROP TABLE "AuthConfig";
ALTER TABLE "new_AuthConfig" RENAME TO "AuthConfig";
CREATE UNIQUE INDEX "AuthConfig_name_key" ON "AuthConfig"("name");
CREATE TABLE "new_OAuthToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "authConfigId" TEXT NOT NULL,
    "userId" TEXT,
    "ownerKey" TEXT NOT NULL,
    "connection" TEXT NOT NULL DEFAULT '',
    "environmentId" TEXT,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT,
    "expiresAt" DATETIME,
    "scope" TEXT,
    "tokenType" TEXT,
    "needsReconnect" BOOLEAN NOT NULL DEFAULT false,
    "needsReconnectReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OAuthToken_authConfigId_fkey" FOREIGN KEY ("authConfigId") REFERENCES "AuthConfig" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OAuthToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OAuthToken_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OAuthToken" ("accessToken", "authConfigId", "createdAt", "expiresAt", "id", "ownerKey", "refreshToken", "scope", "tokenType", "updatedAt", "userId") SELECT "accessToken", "authConfigId", "createdAt", "expiresAt", "id", "ownerKey", "refreshToken", "scope", "tokenType", "updatedAt", "userId" FROM "OAuthToken";
DROP TABLE "OAuthToken";
ALTER TABLE "new_OAuthToken" RENAME TO "OAuthToken";
CREATE UNIQUE INDEX "OAuthToken_authConfigId_connection_ownerKey_key" ON "OAuthToken"("authConfigId", "connection", "ownerKey");
UPDATE "OAuthToken" SET "needsReconnect" = true, "needsReconnectReason" = (SELECT "needsReconnectReason" FROM "_NeedsReconnect" n WHERE n."id" = "OAuthToken"."authConfigId") WHERE "authConfigId" IN (SELECT "id" FROM "_NeedsReconnect");
DROP TABLE "_NeedsReconnect";
CREATE TABLE "new_OAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "stateHash" TEXT NOT NULL,
    "authConfigId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "environmentId" TEXT,
    "codeVerifier" TEXT,
    "redirectUri" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "outcome" TEXT,
    "message" TEXT,
    CONSTRAINT "OAuthState_authConfigId_fkey" FOREIGN KEY ("authConfigId") REFERENCES "AuthConfig" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OAuthState_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OAuthState_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OAuthState" ("authConfigId", "codeVerifier", "createdAt", "expiresAt", "id", "message", "outcome", "redirectUri", "stateHash", "usedAt", "userId") SELECT "authConfigId", "codeVerifier", "createdAt", "expiresAt", "id", "message", "outcome", "redirectUri", "stateHash", "usedAt", "userId" FROM "OAuthState";
DROP TABLE "OAuthState";
ALTER TABLE "new_OAuthState" RENAME TO "OAuthState";
CREATE UNIQUE INDEX "OAuthState_stateHash_key" ON "OAuthState"("stateHash");
CREATE INDEX "OAuthState_createdAt_idx" ON "OAuthState"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Environment_name_key" ON "Environment"("name");

-- CreateIndex
CREATE UNIQUE INDEX "EnvVariable_environmentId_name_key" ON "EnvVariable"("environmentId", "name");

-- CreateIndex
CREATE INDEX "EnvOverride_authConfigId_idx" ON "EnvOverride"("authConfigId");

-- CreateIndex
CREATE UNIQUE INDEX "EnvOverride_environmentId_authConfigId_fieldId_key" ON "EnvOverride"("environmentId", "authConfigId", "fieldId");

