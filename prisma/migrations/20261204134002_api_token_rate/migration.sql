-- CreateTable
CREATE TABLE "ApiTokenRate" (
    "tokenId" TEXT NOT NULL PRIMARY KEY,
    "tat" REAL NOT NULL,
    CONSTRAINT "ApiTokenRate_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

