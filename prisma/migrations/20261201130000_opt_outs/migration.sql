-- CreateTable
CREATE TABLE "OptOut" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "phoneE164" TEXT NOT NULL,
    "endpointId" TEXT,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "optedOutAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OptOut_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "OptOut_shopId_phoneE164_key" ON "OptOut"("shopId", "phoneE164");

