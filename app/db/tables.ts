// Generated from prisma/schema.prisma by `npm run db:types`; do not edit.
import type { ColumnType } from "kysely";
import type { DbBool, DbDate, DbDecimal } from "./codec";
export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Attempt = {
    id: string;
    deliveryId: string;
    number: number;
    requestId: string;
    startedAt: DbDate;
    durationMs: number | null;
    statusCode: number | null;
    errorKind: string | null;
    errorMessage: string | null;
    /**
     * first 4 KB of the response body
     */
    responseExcerpt: string | null;
    /**
     * request headers as sent, secrets excluded
     */
    requestHeaders: unknown | null;
};
export type BuyerOrder = {
    id: Generated<number>;
    shopId: string;
    orderId: string;
    emailNormalized: string | null;
    phoneE164: string | null;
    orderCreatedAt: DbDate;
    createdAt: Generated<DbDate>;
};
export type Checkout = {
    /**
     * numeric, because BSPs read it as the payload's `cartId` (a number in Cashfree's format)
     */
    id: Generated<number>;
    shopId: string;
    token: string;
    cartToken: string | null;
    status: Generated<string>;
    email: string | null;
    emailNormalized: string | null;
    phone: string | null;
    phoneE164: string | null;
    firstName: string | null;
    lastName: string | null;
    address1: string | null;
    address2: string | null;
    city: string | null;
    province: string | null;
    provinceCode: string | null;
    zip: string | null;
    country: string | null;
    countryCode: string | null;
    addressPhone: string | null;
    currency: string | null;
    subtotal: DbDecimal | null;
    total: DbDecimal | null;
    totalDiscount: DbDecimal | null;
    /**
     * CaptureLine[] as JSON
     */
    lines: unknown | null;
    /**
     * string[] as JSON
     */
    discountCodes: unknown | null;
    /**
     * Record<string,string> as JSON
     */
    attributes: unknown | null;
    /**
     * Record<string,string> as JSON
     */
    utm: unknown | null;
    locale: string | null;
    /**
     * Shopify's own recovery URL, only ever from a trusted source
     */
    recoveryUrl: string | null;
    whatsappOptIn: DbBool | null;
    emailMarketing: DbBool | null;
    smsMarketing: DbBool | null;
    /**
     * comma-separated capture channels seen: extension,pixel,webhook
     */
    sources: Generated<string>;
    /**
     * per-field provenance {field: {source, at}} used by the merge rules
     */
    fieldSources: unknown | null;
    trustedSeen: Generated<DbBool>;
    /**
     * optimistic-concurrency counter for merges
     */
    version: Generated<number>;
    lastActivityAt: DbDate;
    /**
     * when the detector should look at this checkout; null when not eligible
     */
    abandonDueAt: DbDate | null;
    abandonedAt: DbDate | null;
    completedHintAt: DbDate | null;
    /**
     * the newer checkout of the same buyer this one collapsed into (dedupe window)
     */
    collapsedIntoId: number | null;
    orderId: string | null;
    orderName: string | null;
    orderTotal: DbDecimal | null;
    orderCurrency: string | null;
    orderCreatedAt: DbDate | null;
    matchType: string | null;
    recoveryDelayMinutes: number | null;
    recoveryGroup: string | null;
    /**
     * the checkout's fixed holdout position in [0, 1)
     */
    holdoutPosition: number | null;
    suppressedReason: string | null;
    /**
     * the recovery discount code, stored before Shopify is asked for it
     */
    recoveryCode: string | null;
    /**
     * Shopify's DiscountCodeNode id once created
     */
    recoveryDiscountId: string | null;
    recoveryCodeType: string | null;
    recoveryCodeValue: string | null;
    recoveryCodeEndsAt: DbDate | null;
    /**
     * why the code could not be made: "<kind>: <message>"
     */
    recoveryCodeError: string | null;
    /**
     * when the code must be deactivated (converted, recovered, expired, redacted); null when nothing is due
     */
    recoveryCodeDeactivateDueAt: DbDate | null;
    recoveryCodeDeactivatedAt: DbDate | null;
    buyerTimeZone: string | null;
    buyerTimeZoneSource: string | null;
    /**
     * the exact opt-in text the checkout block showed with the WhatsApp checkbox
     */
    whatsappOptInText: string | null;
    /**
     * the locale that text was shown in
     */
    whatsappOptInLocale: string | null;
    /**
     * when the buyer's current WhatsApp answer was collected
     */
    whatsappOptInAt: DbDate | null;
    whatsappOptInSource: string | null;
    /**
     * Shopify's customer id (numeric) when a webhook or an order names the buyer
     */
    customerId: string | null;
    createdAt: Generated<DbDate>;
    updatedAt: DbDate;
};
export type ConsentSync = {
    id: string;
    shopId: string;
    /**
     * the checkout whose evidence is written, or that a read-back may mark opted in
     */
    checkoutId: number | null;
    customerId: string;
    phoneE164: string;
    operation: string;
    state: string;
    /**
     * where and when the consent was collected, sent with a write
     */
    collectedAt: DbDate | null;
    collectedFrom: string | null;
    status: Generated<string>;
    attempts: Generated<number>;
    nextAttemptAt: DbDate | null;
    lastError: string | null;
    /**
     * a read-back's answer: Shopify's state for the phone
     */
    shopifyState: string | null;
    completedAt: DbDate | null;
    createdAt: Generated<DbDate>;
    updatedAt: DbDate;
};
export type DataRequest = {
    id: string;
    shopId: string;
    requestId: string;
    customerEmail: string | null;
    customerPhone: string | null;
    /**
     * everything held for that customer, readable JSON
     */
    report: unknown;
    createdAt: Generated<DbDate>;
};
export type Delivery = {
    id: string;
    shopId: string;
    eventId: string;
    endpointId: string;
    topic: string;
    /**
     * exact body that is signed and sent, identical on every attempt
     */
    body: string;
    status: Generated<string>;
    attemptCount: Generated<number>;
    nextAttemptAt: DbDate | null;
    lockedBy: string | null;
    lockedUntil: DbDate | null;
    lastErrorKind: string | null;
    lastStatusCode: number | null;
    firstSuccessAt: DbDate | null;
    createdAt: Generated<DbDate>;
    updatedAt: DbDate;
};
export type Endpoint = {
    id: string;
    shopId: string;
    name: string;
    preset: Generated<string>;
    url: string;
    method: Generated<string>;
    format: Generated<string>;
    /**
     * string[] of topics
     */
    topics: unknown;
    consentOnly: Generated<DbBool>;
    /**
     * string[] of payload key paths to drop
     */
    dropFields: unknown | null;
    /**
     * string[] of payload key paths to mask
     */
    maskFields: unknown | null;
    standardWebhooks: Generated<DbBool>;
    /**
     * AES-256-GCM ciphertext of the whsec_ secret
     */
    secretCiphertext: string;
    previousSecretCiphertext: string | null;
    previousSecretExpiresAt: DbDate | null;
    retryMode: Generated<string>;
    /**
     * minutes between attempts, e.g. [2,10,30]
     */
    retryIntervals: unknown | null;
    maxRetries: Generated<number>;
    /**
     * Record<string,string>
     */
    customHeaders: unknown | null;
    /**
     * minutes after local midnight, in quietHoursTimezone
     */
    quietHoursStart: number | null;
    quietHoursEnd: number | null;
    quietHoursTimezone: string | null;
    status: Generated<string>;
    disabledReason: string | null;
    failingSince: DbDate | null;
    disableAfterFailingHours: Generated<number>;
    lastDeliveryAt: DbDate | null;
    createdAt: Generated<DbDate>;
    updatedAt: DbDate;
};
export type Event = {
    /**
     * also the x-idempotency-key BSPs see
     */
    id: string;
    shopId: string;
    checkoutId: number | null;
    topic: string;
    /**
     * canonical payload; each delivery stores the exact body it signs
     */
    payload: string;
    test: Generated<DbBool>;
    createdAt: Generated<DbDate>;
    expiresAt: DbDate;
};
export type OptOut = {
    id: string;
    shopId: string;
    /**
     * E.164, normalised with the shop's country as default region
     */
    phoneE164: string;
    /**
     * the endpoint whose secret signed the report; null once that endpoint is deleted
     */
    endpointId: string | null;
    /**
     * what the merchant sees: the endpoint's name when it reported
     */
    source: string;
    reason: string;
    /**
     * when the buyer opted out, as the BSP reported it
     */
    optedOutAt: DbDate;
    createdAt: Generated<DbDate>;
    updatedAt: DbDate;
};
export type ProcessedWebhook = {
    webhookId: string;
    shop: string;
    topic: string;
    receivedAt: Generated<DbDate>;
};
export type Session = {
    id: string;
    shop: string;
    state: string;
    isOnline: Generated<DbBool>;
    scope: string | null;
    expires: DbDate | null;
    accessToken: string;
    userId: number | null;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    accountOwner: Generated<DbBool>;
    locale: string | null;
    collaborator: Generated<number | null>;
    emailVerified: Generated<number | null>;
    refreshToken: string | null;
    refreshTokenExpires: DbDate | null;
};
export type Shop = {
    id: string;
    domain: string;
    name: string | null;
    currency: Generated<string>;
    countryCode: string | null;
    timezone: Generated<string>;
    /**
     * from Shopify at install; checkout UI extensions on the information step need Plus
     */
    shopifyPlus: DbBool | null;
    scopes: string | null;
    installedAt: Generated<DbDate>;
    uninstalledAt: DbDate | null;
    pixelKey: string;
    webPixelId: string | null;
    abandonAfterMinutes: Generated<number>;
    dedupeWindowHours: Generated<number>;
    attributionWindowDays: Generated<number>;
    retentionDays: Generated<number>;
    eventExpiryHours: Generated<number>;
    optInText: Generated<string>;
    allowUntrustedEvents: Generated<DbBool>;
    recoveryCodesEnabled: Generated<DbBool>;
    recoveryCodeType: Generated<string>;
    /**
     * percent off, or an amount off in the shop's currency, as a decimal string
     */
    recoveryCodeValue: Generated<string>;
    recoveryCodeMinimumSubtotal: DbDecimal | null;
    recoveryCodeValidityHours: Generated<number>;
    recoveryCodeCombinesOrder: Generated<DbBool>;
    recoveryCodeCombinesProduct: Generated<DbBool>;
    recoveryCodeCombinesShipping: Generated<DbBool>;
    /**
     * share of abandoned checkouts held back to measure lift, 0-50
     */
    holdoutPercent: Generated<number>;
    /**
     * a buyer with any order in the last N days gets no abandoned-cart event; 0 = off
     */
    recentOrderDays: Generated<number>;
    /**
     * abandoned-cart events per buyer per 24 h across checkouts; 0 = off
     */
    buyerCapPerDay: Generated<number>;
    /**
     * quiet hours follow the buyer's local time instead of the endpoint's zone
     */
    quietHoursFollowBuyer: Generated<DbBool>;
    /**
     * Native to Shopify (issue 19): write WhatsApp consent to Shopify customers and read it back (scopes write_customers, read_customers)
     */
    consentSyncEnabled: Generated<DbBool>;
    createdAt: Generated<DbDate>;
    updatedAt: DbDate;
};
export type DB = {
    Attempt: Attempt;
    BuyerOrder: BuyerOrder;
    Checkout: Checkout;
    ConsentSync: ConsentSync;
    DataRequest: DataRequest;
    Delivery: Delivery;
    Endpoint: Endpoint;
    Event: Event;
    OptOut: OptOut;
    ProcessedWebhook: ProcessedWebhook;
    Session: Session;
    Shop: Shop;
};
