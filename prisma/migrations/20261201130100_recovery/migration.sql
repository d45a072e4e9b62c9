-- AlterTable
ALTER TABLE "Checkout" ADD COLUMN "buyerTimeZone" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "buyerTimeZoneSource" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "holdoutPosition" REAL;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCode" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCodeDeactivateDueAt" DATETIME;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCodeDeactivatedAt" DATETIME;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCodeEndsAt" DATETIME;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCodeError" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCodeType" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "recoveryCodeValue" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "recoveryDiscountId" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "recoveryGroup" TEXT;
ALTER TABLE "Checkout" ADD COLUMN "suppressedReason" TEXT;

-- CreateTable
CREATE TABLE "BuyerOrder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "emailNormalized" TEXT,
    "phoneE164" TEXT,
    "orderCreatedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BuyerOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "countryCode" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "shopifyPlus" BOOLEAN,
    "scopes" TEXT,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "pixelKey" TEXT NOT NULL,
    "webPixelId" TEXT,
    "abandonAfterMinutes" INTEGER NOT NULL DEFAULT 10,
    "dedupeWindowHours" INTEGER NOT NULL DEFAULT 24,
    "attributionWindowDays" INTEGER NOT NULL DEFAULT 7,
    "retentionDays" INTEGER NOT NULL DEFAULT 90,
    "eventExpiryHours" INTEGER NOT NULL DEFAULT 24,
    "optInText" TEXT NOT NULL DEFAULT 'Send me order updates and offers on WhatsApp',
    "allowUntrustedEvents" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodesEnabled" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodeType" TEXT NOT NULL DEFAULT 'percentage',
    "recoveryCodeValue" TEXT NOT NULL DEFAULT '10',
    "recoveryCodeMinimumSubtotal" DECIMAL,
    "recoveryCodeValidityHours" INTEGER NOT NULL DEFAULT 48,
    "recoveryCodeCombinesOrder" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodeCombinesProduct" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodeCombinesShipping" BOOLEAN NOT NULL DEFAULT false,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 0,
    "recentOrderDays" INTEGER NOT NULL DEFAULT 1,
    "buyerCapPerDay" INTEGER NOT NULL DEFAULT 1,
    "quietHoursFollowBuyer" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("abandonAfterMinutes", "allowUntrustedEvents", "attributionWindowDays", "countryCode", "createdAt", "currency", "dedupeWindowHours", "domain", "eventExpiryHours", "id", "installedAt", "name", "optInText", "pixelKey", "retentionDays", "scopes", "shopifyPlus", "timezone", "uninstalledAt", "updatedAt", "webPixelId") SELECT "abandonAfterMinutes", "allowUntrustedEvents", "attributionWindowDays", "countryCode", "createdAt", "currency", "dedupeWindowHours", "domain", "eventExpiryHours", "id", "installedAt", "name", "optInText", "pixelKey", "retentionDays", "scopes", "shopifyPlus", "timezone", "uninstalledAt", "updatedAt", "webPixelId" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");
CREATE UNIQUE INDEX "Shop_pixelKey_key" ON "Shop"("pixelKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "BuyerOrder_shopId_emailNormalized_orderCreatedAt_idx" ON "BuyerOrder"("shopId", "emailNormalized", "orderCreatedAt");

-- CreateIndex
CREATE INDEX "BuyerOrder_shopId_phoneE164_orderCreatedAt_idx" ON "BuyerOrder"("shopId", "phoneE164", "orderCreatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BuyerOrder_shopId_orderId_key" ON "BuyerOrder"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "Checkout_shopId_recoveryCode_idx" ON "Checkout"("shopId", "recoveryCode");

-- CreateIndex
CREATE INDEX "Checkout_recoveryCodeDeactivateDueAt_idx" ON "Checkout"("recoveryCodeDeactivateDueAt");

