import type { Checkout, ConsentSync, Prisma, Shop } from "@prisma/client";
import prisma from "../db.server";
import { read } from "../db/codec";
import { sqlDatabase } from "../db/sql.server";
import { normalizePhone } from "../contact";
import { env, policyMinuteMs } from "../env.server";
import { logger } from "../logger.server";
import { optOutOf } from "../opt-out/opt-outs.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { offlineAdmin, type AdminCallOptions, type AdminClientFor, type AdminClientOptions } from "../shopify-admin/admin-api.server";
import {
  READ_CUSTOMERS_SCOPE,
  readWhatsAppConsent,
  WRITE_CUSTOMERS_SCOPE,
  writeWhatsAppConsent,
  type ConsentResult,
  type ShopifyWhatsAppConsent,
  type WritableConsentState,
} from "./whatsapp-consent-api.server";

// WhatsApp consent between Cart Relay and Shopify's customers (issue 19): a
// ConsentSync row per customer, phone, operation and state, queued when a
// buyer becomes (orders/create) or is (a checkout webhook names them) a
// customer, or when a BSP reports their opt-out; the detector's pass sweeps
// the due rows outside any transaction, at least once, with a lease so two
// workers never ask Shopify for the same row at once. Never on a capture
// request.

export type ConsentOperation = "write" | "read";
export type ConsentSyncStatus = "pending" | "done" | "failed" | "scope_missing" | "disabled";

/** Longer than the client's bounded retries (20 s of waits), so a crashed worker's row is picked up again. */
const LEASE_MS = 2 * 60_000;
/** Policy minutes before each further attempt of a failed row. */
const BACKOFF_MINUTES = [1, 5, 30, 120, 720];
const MAX_ATTEMPTS = BACKOFF_MINUTES.length + 1;
/** Checkouts active this recently that name a customer are looked at for a first exchange (a checkout is abandoned within a day). */
const DISCOVERY_WINDOW_MS = 2 * 24 * 60 * 60_000;
/** How far before the last discovery a checkout webhook's activity time may lie (Shopify's updated_at, late deliveries). */
const DISCOVERY_MARGIN_MS = 15 * 60_000;
const BATCH = 50;

/** The same Admin client and retry options as recovery codes (the detector's pass hands both the same). */
export type ConsentSyncOptions = AdminCallOptions;

/** Whether the shop granted a scope; unknown scopes (null) are left to Shopify to answer. */
export function grantsScope(shop: Pick<Shop, "scopes">, scope: string): boolean {
  return shop.scopes === null || shop.scopes.split(",").some((granted) => granted.trim() === scope);
}

export const scopeFor = (operation: ConsentOperation) => (operation === "write" ? WRITE_CUSTOMERS_SCOPE : READ_CUSTOMERS_SCOPE);

interface QueuedSync {
  shopId: string;
  checkoutId: number | null;
  customerId: string;
  phoneE164: string;
  operation: ConsentOperation;
  state: WritableConsentState | "";
  collectedAt: Date | null;
  collectedFrom: string | null;
}

/** Queues one exchange; a repeat of the same customer, phone, operation and state queues nothing. */
async function queue(sync: QueuedSync, now: Date): Promise<void> {
  const { shopId, customerId, phoneE164, operation, state } = sync;
  await prisma.consentSync.upsert({
    where: { shopId_customerId_phoneE164_operation_state: { shopId, customerId, phoneE164, operation, state } },
    create: { ...sync, status: "pending", nextAttemptAt: now, createdAt: now },
    update: {},
  });
}

/**
 * The exchange a customer's checkout calls for: the buyer ticked the box, so
 * the consent is written with when and where it was collected; otherwise
 * Shopify's own consent is read back (they may have opted in there). An
 * opted-out phone is never written as subscribed: its write says
 * UNSUBSCRIBED, as the opt-out's own write-back did. Every call queues one
 * row of the operation `wantsWrite` names, which discovery looks for.
 */
export async function queueForCheckout(
  checkout: Pick<Checkout, "id" | "shopId" | "phoneE164" | "whatsappOptIn" | "whatsappOptInAt" | "whatsappOptInSource">,
  customerId: string,
  now: Date,
): Promise<void> {
  if (!checkout.phoneE164) return;
  const base = { shopId: checkout.shopId, checkoutId: checkout.id, customerId, phoneE164: checkout.phoneE164 };
  const optedOut = await optOutOf(checkout.shopId, checkout.phoneE164);
  if (!wantsWrite(checkout)) await queue({ ...base, operation: "read", state: "", collectedAt: null, collectedFrom: null }, now);
  else if (optedOut) await queue({ ...base, operation: "write", state: "UNSUBSCRIBED", collectedAt: optedOut.optedOutAt, collectedFrom: "bsp_opt_out" }, now);
  else
    await queue({ ...base, operation: "write", state: "SUBSCRIBED", collectedAt: checkout.whatsappOptInAt, collectedFrom: checkout.whatsappOptInSource }, now);
}

/** The buyer's own tick is written to Shopify; anything else (no answer, no, or Shopify's own yes) is read from it. */
const wantsWrite = (checkout: Pick<Checkout, "whatsappOptIn" | "whatsappOptInSource">) =>
  checkout.whatsappOptIn === true && checkout.whatsappOptInSource !== "shopify";

/**
 * orders/create linked an order naming a customer to this checkout: the
 * checkout learns its customer (when no webhook named one) and the exchange
 * is queued, when the merchant turned consent sync on.
 */
export async function queueAfterOrder(shop: Pick<Shop, "consentSyncEnabled">, checkout: Checkout, customerId: string | null, now = new Date()): Promise<void> {
  if (!customerId) return;
  if (checkout.customerId === null) {
    await prisma.checkout.updateMany({ where: { id: checkout.id, customerId: null }, data: { customerId, version: { increment: 1 } } });
  }
  if (shop.consentSyncEnabled) await queueForCheckout(checkout, customerId, now);
}

/** A BSP reported an opt-out: every customer of the shop with that phone is written back as unsubscribed. */
export async function queueOptOutWriteBack(
  shop: Pick<Shop, "id" | "consentSyncEnabled">,
  phoneE164: string,
  optedOutAt: Date,
  now = new Date(),
): Promise<number> {
  if (!shop.consentSyncEnabled) return 0;
  const customers = await prisma.checkout.findMany({
    where: { shopId: shop.id, phoneE164, customerId: { not: null } },
    distinct: ["customerId"],
    select: { id: true, customerId: true },
    take: 20,
  });
  for (const { id, customerId } of customers) {
    await queue(
      {
        shopId: shop.id,
        checkoutId: id,
        customerId: customerId!,
        phoneE164,
        operation: "write",
        state: "UNSUBSCRIBED",
        collectedAt: optedOutAt,
        collectedFrom: "bsp_opt_out",
      },
      now,
    );
  }
  return customers.length;
}

/** Where the last discovery got to (by the pass's clock), so the next one looks only at checkouts active since. */
let discoveredUntil: number | null = null;

/**
 * Customers' checkouts (a checkout webhook named them) of shops with sync on
 * that have no exchange of the kind they call for yet. Only checkouts active
 * since the last discovery, less a margin for late webhooks, are read,
 * through the (shopId, lastActivityAt) index, and only for shops with sync
 * on: a pass costs nothing for the others. Buyers who order are queued by
 * orders/create whatever discovery saw.
 */
async function discover(now: Date): Promise<number> {
  const { db, codec } = sqlDatabase();
  const shops = await db.selectFrom("Shop").select("id").where("consentSyncEnabled", "=", codec.bool(true)).where("uninstalledAt", "is", null).execute();
  if (shops.length === 0) return 0;
  const resumed = discoveredUntil !== null && discoveredUntil <= now.getTime() ? discoveredUntil - DISCOVERY_MARGIN_MS : -Infinity;
  const since = new Date(Math.max(now.getTime() - DISCOVERY_WINDOW_MS, resumed));
  let queued = 0;
  let complete = true;
  for (const shop of shops) {
    const rows = await db
      .selectFrom("Checkout as c")
      .select(["c.id", "c.shopId", "c.customerId", "c.phoneE164", "c.whatsappOptIn", "c.whatsappOptInAt", "c.whatsappOptInSource"])
      .where("c.shopId", "=", shop.id)
      .where("c.lastActivityAt", ">=", codec.date(since))
      .where("c.customerId", "is not", null)
      .where("c.phoneE164", "is not", null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("ConsentSync as k")
              .select("k.id")
              .whereRef("k.shopId", "=", "c.shopId")
              .whereRef("k.customerId", "=", "c.customerId")
              .whereRef("k.phoneE164", "=", "c.phoneE164")
              .where(
                "k.operation",
                "=",
                eb
                  .case()
                  .when(eb.and([eb("c.whatsappOptIn", "=", codec.bool(true)), eb(eb.fn.coalesce("c.whatsappOptInSource", eb.val("")), "!=", "shopify")]))
                  .then("write")
                  .else("read")
                  .end(),
              ),
          ),
        ),
      )
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      await queueForCheckout(
        { ...row, whatsappOptIn: read.boolOrNull(row.whatsappOptIn), whatsappOptInAt: read.dateOrNull(row.whatsappOptInAt) },
        row.customerId!,
        now,
      );
    }
    queued += rows.length;
    if (rows.length === BATCH) complete = false;
  }
  if (complete) discoveredUntil = now.getTime();
  return queued;
}

/** Takes a due row for this pass: no other worker holds it until the lease ends. */
async function claim(row: ConsentSync, now: Date): Promise<boolean> {
  const { count } = await prisma.consentSync.updateMany({
    where: { id: row.id, status: "pending", attempts: row.attempts, OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
    data: { attempts: { increment: 1 }, nextAttemptAt: new Date(now.getTime() + LEASE_MS) },
  });
  return count === 1;
}

/**
 * A read-back found the phone subscribed in Shopify: the checkout counts as
 * opted in, its source "shopify", at Shopify's time. The merge's provenance
 * gets the same time, so later captures keep this source until the buyer
 * answers the checkbox differently.
 */
async function markOptedInByShopify(checkoutId: number, consent: ShopifyWhatsAppConsent, now: Date): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const checkout = await prisma.checkout.findUnique({ where: { id: checkoutId } });
    if (!checkout || checkout.whatsappOptIn === true) return false;
    const at = consent.updatedAt ? new Date(consent.updatedAt) : now;
    const fieldSources = { ...((checkout.fieldSources as Record<string, unknown> | null) ?? {}), whatsappOptIn: { source: "webhook", at: at.toISOString() } };
    const { count } = await prisma.checkout.updateMany({
      where: { id: checkoutId, version: checkout.version },
      data: { whatsappOptIn: true, whatsappOptInSource: "shopify", whatsappOptInAt: at, fieldSources, version: { increment: 1 } },
    });
    if (count === 1) return true;
  }
  return false;
}

function samePhone(shop: Pick<Shop, "countryCode">, stored: string, shopify: string | null): boolean {
  return shopify !== null && normalizePhone(shopify, shop.countryCode) === stored;
}

async function exchange(row: ConsentSync, shop: Shop, adminClient: AdminClientFor, client: AdminClientOptions | undefined) {
  let graphql: AdminGraphql;
  try {
    graphql = await adminClient(shop.domain);
  } catch (error) {
    return { ok: false as const, kind: "unauthorized", message: `no admin session: ${(error as Error).message}`, retryable: true };
  }
  const result: ConsentResult<ShopifyWhatsAppConsent | null> =
    row.operation === "write"
      ? await writeWhatsAppConsent(graphql, { customerId: row.customerId, state: row.state as WritableConsentState, collectedAt: row.collectedAt }, client)
      : await readWhatsAppConsent(graphql, row.customerId, client);
  if (result.ok) return { ok: true as const, consent: result.value };
  const { kind, message } = result.error;
  return { ok: false as const, kind, message, retryable: kind !== "user_error" && kind !== "scope_missing" };
}

async function settle(row: ConsentSync, data: Partial<Pick<ConsentSync, "status" | "nextAttemptAt" | "lastError" | "shopifyState" | "completedAt">>) {
  await prisma.consentSync.update({ where: { id: row.id }, data });
}

async function runExchange(row: ConsentSync, now: Date, options: ConsentSyncOptions): Promise<ConsentSyncStatus> {
  const shop = await prisma.shop.findUnique({ where: { id: row.shopId } });
  if (!shop || shop.uninstalledAt) {
    await settle(row, { status: "failed", nextAttemptAt: null, lastError: "the app is uninstalled" });
    return "failed";
  }
  if (!shop.consentSyncEnabled) {
    await settle(row, { status: "disabled", nextAttemptAt: null, lastError: "consent sync is off in Settings" });
    return "disabled";
  }
  const scope = scopeFor(row.operation as ConsentOperation);
  if (!grantsScope(shop, scope)) {
    await settle(row, {
      status: "scope_missing",
      nextAttemptAt: null,
      lastError: `scope_missing: the app was not granted ${scope}; turn consent sync on again in Settings to grant it`,
    });
    return "scope_missing";
  }
  const outcome = await exchange(row, shop, options.adminClient ?? offlineAdmin, options.client);
  if (outcome.ok) {
    await settle(row, { status: "done", nextAttemptAt: null, lastError: null, shopifyState: outcome.consent?.state ?? null, completedAt: now });
    if (
      row.operation === "read" &&
      row.checkoutId !== null &&
      outcome.consent?.state === "SUBSCRIBED" &&
      samePhone(shop, row.phoneE164, outcome.consent.phoneNumber)
    ) {
      await markOptedInByShopify(row.checkoutId, outcome.consent, now);
    }
    return "done";
  }
  const attempts = row.attempts + 1;
  const lastError = `${outcome.kind}: ${outcome.message}`;
  logger.warn({ shop: shop.domain, consentSyncId: row.id, operation: row.operation, kind: outcome.kind, attempt: attempts }, "consent sync failed");
  if (outcome.kind === "scope_missing") {
    await settle(row, { status: "scope_missing", nextAttemptAt: null, lastError });
    return "scope_missing";
  }
  if (!outcome.retryable || attempts >= MAX_ATTEMPTS) {
    await settle(row, { status: "failed", nextAttemptAt: null, lastError });
    return "failed";
  }
  const wait = BACKOFF_MINUTES[attempts - 1] * policyMinuteMs(env);
  await settle(row, { status: "pending", nextAttemptAt: new Date(now.getTime() + wait), lastError });
  return "pending";
}

export type ConsentSweep = Record<ConsentSyncStatus, number> & { queued: number };

/** The detector's pass: queue what new customer checkouts call for, then run the due exchanges. */
export async function syncConsent(now = new Date(), options: ConsentSyncOptions = {}): Promise<ConsentSweep> {
  const sweep: ConsentSweep = { queued: await discover(now), pending: 0, done: 0, failed: 0, scope_missing: 0, disabled: 0 };
  const due = await prisma.consentSync.findMany({
    where: { status: "pending", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    take: BATCH,
  });
  for (const row of due) {
    if (!(await claim(row, now))) continue;
    sweep[await runExchange(row, now, options)]++;
  }
  return sweep;
}

/** Settings: turning sync on gives rows that waited for the switch or a scope another try. */
export async function setConsentSync(shop: Pick<Shop, "id">, enabled: boolean, now = new Date()): Promise<void> {
  await prisma.$transaction([
    prisma.shop.update({ where: { id: shop.id }, data: { consentSyncEnabled: enabled } }),
    ...(enabled
      ? [
          prisma.consentSync.updateMany({
            where: { shopId: shop.id, status: { in: ["scope_missing", "disabled"] } },
            data: { status: "pending", nextAttemptAt: now, attempts: 0 },
          }),
        ]
      : []),
  ]);
}

export interface ConsentSyncState {
  enabled: boolean;
  granted: { write: boolean; read: boolean };
  counts: Partial<Record<ConsentSyncStatus, number>>;
  /** the latest rows that did not go through, with Shopify's answer */
  problems: { id: string; operation: string; state: string; status: string; lastError: string | null; updatedAt: string }[];
}

export async function consentSyncState(shop: Shop): Promise<ConsentSyncState> {
  const [groups, problems] = await Promise.all([
    prisma.consentSync.groupBy({ by: ["status"], where: { shopId: shop.id }, _count: { _all: true } }),
    prisma.consentSync.findMany({
      where: { shopId: shop.id, lastError: { not: null } },
      orderBy: { updatedAt: "desc" },
      take: 5,
      select: { id: true, operation: true, state: true, status: true, lastError: true, updatedAt: true },
    }),
  ]);
  return {
    enabled: shop.consentSyncEnabled,
    granted: { write: shop.scopes !== null && grantsScope(shop, WRITE_CUSTOMERS_SCOPE), read: shop.scopes !== null && grantsScope(shop, READ_CUSTOMERS_SCOPE) },
    counts: Object.fromEntries(groups.map((group) => [group.status, group._count._all])),
    problems: problems.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })),
  };
}

interface Buyer {
  checkoutIds: number[];
  phoneE164: string | null;
  customerId: string | null;
}

const buyerRows = (shopId: string, { checkoutIds, phoneE164, customerId }: Buyer): Prisma.ConsentSyncWhereInput => ({
  shopId,
  OR: [
    ...(checkoutIds.length > 0 ? [{ checkoutId: { in: checkoutIds } }] : []),
    ...(phoneE164 ? [{ phoneE164 }] : []),
    ...(customerId ? [{ customerId }] : []),
  ],
});

/** customers/redact: the buyer's exchanges with Shopify go with the rest of their data. */
export function forgetConsentSyncs(shopId: string, buyer: Buyer): Prisma.PrismaPromise<Prisma.BatchPayload>[] {
  const where = buyerRows(shopId, buyer);
  return where.OR!.length > 0 ? [prisma.consentSync.deleteMany({ where })] : [];
}

/** customers/data_request: every consent exchange held for the buyer, with Shopify's answers. */
export function consentSyncsOf(shopId: string, buyer: Buyer) {
  const where = buyerRows(shopId, buyer);
  if (where.OR!.length === 0) return Promise.resolve([]);
  return prisma.consentSync.findMany({
    where,
    orderBy: { createdAt: "asc" },
    select: {
      operation: true,
      state: true,
      collectedAt: true,
      collectedFrom: true,
      status: true,
      attempts: true,
      shopifyState: true,
      lastError: true,
      completedAt: true,
      createdAt: true,
    },
  });
}
