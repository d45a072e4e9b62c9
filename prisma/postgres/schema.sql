-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "countryCode" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "shopifyPlus" BOOLEAN,
    "scopes" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
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
    "recoveryCodeMinimumSubtotal" DECIMAL(65,30),
    "recoveryCodeValidityHours" INTEGER NOT NULL DEFAULT 48,
    "recoveryCodeCombinesOrder" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodeCombinesProduct" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodeCombinesShipping" BOOLEAN NOT NULL DEFAULT false,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 0,
    "recentOrderDays" INTEGER NOT NULL DEFAULT 1,
    "buyerCapPerDay" INTEGER NOT NULL DEFAULT 1,
    "quietHoursFollowBuyer" BOOLEAN NOT NULL DEFAULT false,
    "consentSyncEnabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Checkout" (
    "id" SERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "cartToken" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "email" TEXT,
    "emailNormalized" TEXT,
    "phone" TEXT,
    "phoneE164" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "address1" TEXT,
    "address2" TEXT,
    "city" TEXT,
    "province" TEXT,
    "provinceCode" TEXT,
    "zip" TEXT,
    "country" TEXT,
    "countryCode" TEXT,
    "addressPhone" TEXT,
    "currency" TEXT,
    "subtotal" DECIMAL(65,30),
    "total" DECIMAL(65,30),
    "totalDiscount" DECIMAL(65,30),
    "lines" JSON,
    "discountCodes" JSON,
    "attributes" JSON,
    "utm" JSON,
    "locale" TEXT,
    "recoveryUrl" TEXT,
    "whatsappOptIn" BOOLEAN,
    "emailMarketing" BOOLEAN,
    "smsMarketing" BOOLEAN,
    "sources" TEXT NOT NULL DEFAULT '',
    "fieldSources" JSON,
    "trustedSeen" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 0,
    "lastActivityAt" TIMESTAMP(3) NOT NULL,
    "abandonDueAt" TIMESTAMP(3),
    "abandonedAt" TIMESTAMP(3),
    "completedHintAt" TIMESTAMP(3),
    "collapsedIntoId" INTEGER,
    "orderId" TEXT,
    "orderName" TEXT,
    "orderTotal" DECIMAL(65,30),
    "orderCurrency" TEXT,
    "orderCreatedAt" TIMESTAMP(3),
    "matchType" TEXT,
    "recoveryDelayMinutes" INTEGER,
    "recoveryGroup" TEXT,
    "holdoutPosition" DOUBLE PRECISION,
    "suppressedReason" TEXT,
    "recoveryCode" TEXT,
    "recoveryDiscountId" TEXT,
    "recoveryCodeType" TEXT,
    "recoveryCodeValue" TEXT,
    "recoveryCodeEndsAt" TIMESTAMP(3),
    "recoveryCodeError" TEXT,
    "recoveryCodeDeactivateDueAt" TIMESTAMP(3),
    "recoveryCodeDeactivatedAt" TIMESTAMP(3),
    "buyerTimeZone" TEXT,
    "buyerTimeZoneSource" TEXT,
    "whatsappOptInText" TEXT,
    "whatsappOptInLocale" TEXT,
    "whatsappOptInAt" TIMESTAMP(3),
    "whatsappOptInSource" TEXT,
    "customerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Checkout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Endpoint" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "preset" TEXT NOT NULL DEFAULT 'custom',
    "url" TEXT NOT NULL,
    "method" TEXT NOT NULL DEFAULT 'POST',
    "format" TEXT NOT NULL DEFAULT 'cashfree-2025-01-01',
    "topics" JSON NOT NULL,
    "consentOnly" BOOLEAN NOT NULL DEFAULT false,
    "dropFields" JSON,
    "maskFields" JSON,
    "standardWebhooks" BOOLEAN NOT NULL DEFAULT false,
    "secretCiphertext" TEXT NOT NULL,
    "previousSecretCiphertext" TEXT,
    "previousSecretExpiresAt" TIMESTAMP(3),
    "retryMode" TEXT NOT NULL DEFAULT 'fixed',
    "retryIntervals" JSON,
    "maxRetries" INTEGER NOT NULL DEFAULT 3,
    "customHeaders" JSON,
    "quietHoursStart" INTEGER,
    "quietHoursEnd" INTEGER,
    "quietHoursTimezone" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "disabledReason" TEXT,
    "failingSince" TIMESTAMP(3),
    "disableAfterFailingHours" INTEGER NOT NULL DEFAULT 72,
    "lastDeliveryAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "checkoutId" INTEGER,
    "topic" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastErrorKind" TEXT,
    "lastStatusCode" INTEGER,
    "firstSuccessAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attempt" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "requestId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "durationMs" INTEGER,
    "statusCode" INTEGER,
    "errorKind" TEXT,
    "errorMessage" TEXT,
    "responseExcerpt" TEXT,
    "requestHeaders" JSON,

    CONSTRAINT "Attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedWebhook" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedWebhook_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "customerEmail" TEXT,
    "customerPhone" TEXT,
    "report" JSON NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OptOut" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "phoneE164" TEXT NOT NULL,
    "endpointId" TEXT,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "optedOutAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OptOut_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BuyerOrder" (
    "id" SERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "emailNormalized" TEXT,
    "phoneE164" TEXT,
    "orderCreatedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BuyerOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentSync" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "checkoutId" INTEGER,
    "customerId" TEXT NOT NULL,
    "phoneE164" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "collectedAt" TIMESTAMP(3),
    "collectedFrom" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "shopifyState" TEXT,
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsentSync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_pixelKey_key" ON "Shop"("pixelKey");

-- CreateIndex
CREATE INDEX "Checkout_status_abandonDueAt_idx" ON "Checkout"("status", "abandonDueAt");

-- CreateIndex
CREATE INDEX "Checkout_shopId_createdAt_idx" ON "Checkout"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Checkout_shopId_emailNormalized_idx" ON "Checkout"("shopId", "emailNormalized");

-- CreateIndex
CREATE INDEX "Checkout_shopId_phoneE164_idx" ON "Checkout"("shopId", "phoneE164");

-- CreateIndex
CREATE INDEX "Checkout_shopId_orderId_idx" ON "Checkout"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "Checkout_shopId_lastActivityAt_idx" ON "Checkout"("shopId", "lastActivityAt");

-- CreateIndex
CREATE INDEX "Checkout_shopId_recoveryCode_idx" ON "Checkout"("shopId", "recoveryCode");

-- CreateIndex
CREATE INDEX "Checkout_recoveryCodeDeactivateDueAt_idx" ON "Checkout"("recoveryCodeDeactivateDueAt");

-- CreateIndex
CREATE INDEX "Checkout_shopId_customerId_idx" ON "Checkout"("shopId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Checkout_shopId_token_key" ON "Checkout"("shopId", "token");

-- CreateIndex
CREATE INDEX "Endpoint_shopId_status_idx" ON "Endpoint"("shopId", "status");

-- CreateIndex
CREATE INDEX "Event_shopId_createdAt_idx" ON "Event"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Event_checkoutId_topic_key" ON "Event"("checkoutId", "topic");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_shopId_createdAt_idx" ON "Delivery"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_endpointId_createdAt_idx" ON "Delivery"("endpointId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_eventId_endpointId_key" ON "Delivery"("eventId", "endpointId");

-- CreateIndex
CREATE INDEX "Attempt_startedAt_idx" ON "Attempt"("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Attempt_deliveryId_number_key" ON "Attempt"("deliveryId", "number");

-- CreateIndex
CREATE INDEX "ProcessedWebhook_receivedAt_idx" ON "ProcessedWebhook"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DataRequest_shopId_requestId_key" ON "DataRequest"("shopId", "requestId");

-- CreateIndex
CREATE UNIQUE INDEX "OptOut_shopId_phoneE164_key" ON "OptOut"("shopId", "phoneE164");

-- CreateIndex
CREATE INDEX "BuyerOrder_shopId_emailNormalized_orderCreatedAt_idx" ON "BuyerOrder"("shopId", "emailNormalized", "orderCreatedAt");

-- CreateIndex
CREATE INDEX "BuyerOrder_shopId_phoneE164_orderCreatedAt_idx" ON "BuyerOrder"("shopId", "phoneE164", "orderCreatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BuyerOrder_shopId_orderId_key" ON "BuyerOrder"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "ConsentSync_status_nextAttemptAt_idx" ON "ConsentSync"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ConsentSync_shopId_checkoutId_idx" ON "ConsentSync"("shopId", "checkoutId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentSync_shopId_customerId_phoneE164_operation_state_key" ON "ConsentSync"("shopId", "customerId", "phoneE164", "operation", "state");

-- AddForeignKey
ALTER TABLE "Checkout" ADD CONSTRAINT "Checkout_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Endpoint" ADD CONSTRAINT "Endpoint_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_checkoutId_fkey" FOREIGN KEY ("checkoutId") REFERENCES "Checkout"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attempt" ADD CONSTRAINT "Attempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataRequest" ADD CONSTRAINT "DataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OptOut" ADD CONSTRAINT "OptOut_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuyerOrder" ADD CONSTRAINT "BuyerOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentSync" ADD CONSTRAINT "ConsentSync_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

