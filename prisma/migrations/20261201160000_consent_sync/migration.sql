-- AlterTable
ALTER TABLE "Checkout" ADD COLUMN "customerId" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "whatsappOptInAt" DATETIME;
ALTER TABLE "Checkout" ADD COLUMN "whatsappOptInLocale" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "whatsappOptInSource" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "whatsappOptInText" TEXT;

-- CreateTable
CREATE TABLE "ConsentSync" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "checkoutId" INTEGER,
    "customerId" TEXT NOT NULL,
    "phoneE164" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "collectedAt" DATETIME,
    "collectedFrom" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastError" TEXT,
    "shopifyState" TEXT,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ConsentSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (an added column, not a redefined table: other migrations may add Shop columns too)
ALTER TABLE "Shop" ADD COLUMN "consentSyncEnabled" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "ConsentSync_status_nextAttemptAt_idx" ON "ConsentSync"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ConsentSync_shopId_checkoutId_idx" ON "ConsentSync"("shopId", "checkoutId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentSync_shopId_customerId_phoneE164_operation_state_key" ON "ConsentSync"("shopId", "customerId", "phoneE164", "operation", "state");

-- CreateIndex
CREATE INDEX "Checkout_shopId_customerId_idx" ON "Checkout"("shopId", "customerId");

