-- CreateTable
CREATE TABLE "ApiTokenRate" (
    "tokenId" TEXT NOT NULL,
    "tat" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ApiTokenRate_pkey" PRIMARY KEY ("tokenId")
);

-- AddForeignKey
ALTER TABLE "ApiTokenRate" ADD CONSTRAINT "ApiTokenRate_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken"("id") ON DELETE CASCADE ON UPDATE CASCADE;

