import { randomUUID } from "node:crypto";
import type { Prisma, Shop } from "@prisma/client";
import { sql } from "kysely";
import type { Codec } from "../db/codec";
import { read } from "../db/codec";
import { sqlDatabase, type SqlExecutor } from "../db/sql.server";
import { logger } from "../logger.server";
import { claimDueCheckouts, settleSweptCheckouts, type AbandonedCheckout, type DueCheckout, type SweptCheckouts } from "../capture/checkout-sweep.server";
import { buildCartPayload } from "../events/payload/cart-payload";
import { endpointWants } from "../events/subscriptions";
import { recordEvents, type NewEvent } from "../events/record-event.server";
import { withoutOptedOut } from "../opt-out/opt-outs.server";
import { syncConsent } from "../consent/consent-sync.server";
import { buyerTimeZone } from "../delivery/buyer-time-zone";
import {
  CODE_LEASE_MS,
  createPendingCodes,
  deactivateDueCodes,
  endUnsentCodes,
  recoveryCodeOf,
  type PendingCode,
  type RecoveryCodeOptions,
} from "../recovery/recovery-codes.server";
import { checkoutFromRow, shopFromRow } from "./checkout-row";
import { planGuard, type GuardShop } from "./guard-plan";
import { recentBuyerOrders } from "./guard-history.server";
import { BUYER_CAP_WINDOW_MS, type SendGuardDecision } from "./send-guard";
import { dedupeWindowStart, planSweep, type ContactCheckout, type PlannedOutcome, type SweepShop } from "./sweep-plan";

const HOUR_MS = 60 * 60_000;
const MINUTE_MS = 60_000;

export interface SweepResult {
  due: number;
  sent: number;
  suppressed: number;
  collapsed: number;
  /** held back for the lift measurement: abandoned, never sent */
  heldOut: number;
}

export type ContactKind = "emailNormalized" | "phoneE164";

/**
 * The shops' checkouts sharing one kind of contact with the batch, active
 * since `since`, with the moment each was sent an abandonedCheckout. One
 * statement per contact kind, so each is answered from its
 * `(shopId, contact)` index; the activity bound is applied per shop later,
 * kept out of the index choice with a unary `+` (SQLite) / an expression
 * (PostgreSQL) so the planner never prefers the `(shopId, lastActivityAt)`
 * index and scans the shop's whole window.
 */
export function contactLookup(tx: SqlExecutor, codec: Codec, kind: ContactKind, shopIds: string[], values: string[], since: Date) {
  const activity = codec.dialect === "sqlite" ? sql`+c."lastActivityAt"` : sql`(c."lastActivityAt" + interval '0 seconds')`;
  return tx
    .selectFrom("Checkout as c")
    .leftJoin("Event as e", (join) => join.onRef("e.checkoutId", "=", "c.id").on("e.topic", "=", "abandonedCheckout"))
    .select([
      "c.id",
      "c.shopId",
      "c.emailNormalized",
      "c.phoneE164",
      "c.status",
      "c.lastActivityAt",
      "c.orderCreatedAt",
      "c.recoveryGroup",
      "c.abandonedAt",
      "e.createdAt as abandonedEventAt",
    ])
    .where("c.shopId", "in", shopIds)
    .where(`c.${kind}`, "in", values)
    .where(sql<boolean>`${activity} >= ${codec.date(since)}`);
}

type FoundCheckout = ContactCheckout & { recoveryGroup: string | null; abandonedAt: Date | null };

async function contactCheckouts(tx: SqlExecutor, codec: Codec, due: DueCheckout[], since: Date): Promise<FoundCheckout[]> {
  const shopIds = [...new Set(due.map((checkout) => checkout.shopId))];
  const found = new Map<number, FoundCheckout>();
  for (const kind of ["emailNormalized", "phoneE164"] as const) {
    const values = [...new Set(due.map((checkout) => checkout[kind]).filter((value): value is string => Boolean(value)))];
    if (values.length === 0) continue;
    for (const row of await contactLookup(tx, codec, kind, shopIds, values, since).execute()) {
      found.set(row.id, {
        id: row.id,
        shopId: row.shopId,
        emailNormalized: row.emailNormalized,
        phoneE164: row.phoneE164,
        status: row.status,
        lastActivityAt: read.date(row.lastActivityAt),
        orderCreatedAt: read.dateOrNull(row.orderCreatedAt),
        abandonedEventAt: read.dateOrNull(row.abandonedEventAt),
        recoveryGroup: row.recoveryGroup,
        abandonedAt: read.dateOrNull(row.abandonedAt),
      });
    }
  }
  return [...found.values()];
}

/** What becomes of a checkout the dedupe rules would send, after the send guard and the code step. */
type Guarded =
  | { id: number; outcome: "sent"; holdoutPosition: number }
  | { id: number; outcome: "held_out"; holdoutPosition: number }
  | { id: number; outcome: "guarded"; reason: "recent_order" | "buyer_cap" }
  /** codes are on and Shopify has not been asked yet: the checkout waits for its code, outside this transaction */
  | { id: number; outcome: "awaiting_code"; code: string };

/** The pass's decisions in the shape the Checkout owner writes them. */
function sweptCheckouts(outcomes: PlannedOutcome[], guarded: Guarded[], abandoned: AbandonedCheckout[]): SweptCheckouts {
  const of = <K extends PlannedOutcome["outcome"]>(kind: K) => outcomes.filter((o): o is Extract<PlannedOutcome, { outcome: K }> => o.outcome === kind);
  return {
    released: of("skipped").map((o) => o.id),
    collapsed: of("collapsed"),
    duplicates: of("suppressed"),
    awaitingCode: guarded.filter((g): g is Extract<Guarded, { outcome: "awaiting_code" }> => g.outcome === "awaiting_code"),
    abandoned,
  };
}

function guardOutcome(id: number, decision: SendGuardDecision, codeNeeded: string | null): Guarded {
  if (decision.action === "send")
    return codeNeeded ? { id, outcome: "awaiting_code", code: codeNeeded } : { id, outcome: "sent", holdoutPosition: decision.holdoutPosition };
  if (decision.reason === "held_out") return { id, outcome: "held_out", holdoutPosition: decision.holdoutPosition };
  return { id, outcome: "guarded", reason: decision.reason };
}

function abandonedRow(row: DueCheckout, shop: Shop, guarded: Exclude<Guarded, { outcome: "awaiting_code" }>): AbandonedCheckout {
  const zone = buyerTimeZone(
    { countryCode: row.countryCode, country: row.country, provinceCode: row.provinceCode, phone: row.phoneE164 ?? row.addressPhone ?? row.phone },
    { timeZone: shop.timezone, countryCode: shop.countryCode },
  );
  return {
    id: row.id,
    recoveryGroup: guarded.outcome === "sent" ? "sent" : guarded.outcome === "held_out" ? "held_out" : null,
    holdoutPosition: guarded.outcome === "guarded" ? null : guarded.holdoutPosition,
    suppressedReason: guarded.outcome === "guarded" ? guarded.reason : null,
    timeZone: zone.timeZone,
    timeZoneSource: zone.source,
  };
}

const guardSettings = (shop: Shop): GuardShop => ({
  domain: shop.domain,
  recentOrderDays: shop.recentOrderDays,
  buyerCapPerDay: shop.buyerCapPerDay,
  holdoutShare: shop.holdoutPercent / 100,
});

/**
 * One pass of the abandonment detector, set-based: one transaction claims the
 * due checkouts, looks up their buyers' other checkouts (one query per
 * contact kind) and recent orders, decides every outcome in memory
 * (`planSweep`, then the send guard's `planGuard`: the rules of handling them
 * one at a time) and writes the checkouts' new states, the events and their
 * deliveries with multi-row statements. Its cost follows the number due, not
 * the number open.
 *
 * A shop with recovery codes on takes two passes per checkout: the first
 * stores its code and leaves it due in CODE_LEASE_MS, Shopify is asked
 * outside any transaction, the answer is stored and the checkout is due at
 * once; the second records the event with the code (or without one, the
 * failure shown in the admin). A crash in between only repeats the request,
 * which asks for the same code.
 */
async function sweepOnce(now: Date, limit: number): Promise<{ result: SweepResult; pendingCodes: PendingCode[] }> {
  const { db, codec } = sqlDatabase();
  const { result, sentTo, pendingCodes } = await db.transaction().execute(async (tx) => {
    const due = await claimDueCheckouts(tx, codec, now, limit);
    const result: SweepResult = { due: due.length, sent: 0, suppressed: 0, collapsed: 0, heldOut: 0 };
    if (due.length === 0) return { result, sentTo: [], pendingCodes: [] };

    const shopIds = [...new Set(due.map((checkout) => checkout.shopId))];
    const shopRows = await tx.selectFrom("Shop").selectAll().where("id", "in", shopIds).execute();
    const shops = new Map(shopRows.map((row) => [row.id, shopFromRow(row)]));
    const policies = new Map<string, SweepShop>(
      [...shops.values()].map((shop) => [shop.id, { uninstalled: shop.uninstalledAt !== null, dedupeWindowHours: shop.dedupeWindowHours }]),
    );
    const widestWindow = Math.max(...[...policies.values()].map((policy) => policy.dedupeWindowHours));
    // The buyer cap looks at decisions of the last 24 h, made at most abandonAfter after the checkout's last activity.
    const capReach = BUYER_CAP_WINDOW_MS + Math.max(...[...shops.values()].map((shop) => shop.abandonAfterMinutes)) * MINUTE_MS;
    const since = new Date(Math.min(dedupeWindowStart(now, widestWindow).getTime(), now.getTime() - capReach));
    const found = await contactCheckouts(tx, codec, due, since);
    const outcomes = planSweep(
      due.map((row) => ({ ...row, lastActivityAt: read.date(row.lastActivityAt) })),
      policies,
      found,
      now,
    );

    const dedupeSent = new Set(outcomes.filter((o) => o.outcome === "sent").map((o) => o.id));
    const candidates = due.filter((row) => dedupeSent.has(row.id));
    const orders = await recentBuyerOrders(
      tx,
      codec,
      [...new Set(candidates.map((row) => row.shopId))],
      candidates,
      now,
      Math.max(0, ...candidates.map((row) => shops.get(row.shopId)!.recentOrderDays)),
    );
    const decisions = planGuard({
      checkouts: candidates,
      shops: new Map([...shops.values()].map((shop) => [shop.id, guardSettings(shop)])),
      orders,
      events: found.flatMap((row) => {
        const at = row.abandonedEventAt ?? (row.recoveryGroup === "held_out" ? row.abandonedAt : null);
        return at ? [{ shopId: row.shopId, checkoutId: row.id, phoneE164: row.phoneE164, emailNormalized: row.emailNormalized, at }] : [];
      }),
      now,
    });
    const guarded = candidates.map((row) => {
      const shop = shops.get(row.shopId)!;
      const codeNeeded = shop.recoveryCodesEnabled;
      const asked = row.recoveryDiscountId !== null || row.recoveryCodeError !== null;
      return guardOutcome(row.id, decisions.get(row.id)!, codeNeeded && !asked ? (row.recoveryCode ?? recoveryCodeOf(shop.domain, row.token)) : null);
    });
    const rowsById = new Map(due.map((row) => [row.id, row]));
    const abandoned = guarded.flatMap((g) =>
      g.outcome === "awaiting_code" ? [] : [abandonedRow(rowsById.get(g.id)!, shops.get(rowsById.get(g.id)!.shopId)!, g)],
    );
    await settleSweptCheckouts(tx, codec, sweptCheckouts(outcomes, guarded, abandoned), now, new Date(now.getTime() + CODE_LEASE_MS));
    // A code made for a checkout that is now held out or suppressed is never sent: it ends at once.
    await endUnsentCodes(
      tx,
      codec,
      guarded.filter((g) => g.outcome === "held_out" || g.outcome === "guarded").map((g) => g.id),
      now,
    );

    const sentIds = new Set(guarded.filter((g) => g.outcome === "sent").map((g) => g.id));
    const sending = await withoutOptedOut(
      tx,
      due.filter((row) => sentIds.has(row.id)),
    );
    const endpointRows =
      sending.length === 0
        ? []
        : await tx
            .selectFrom("Endpoint")
            .selectAll()
            .where("shopId", "in", [...new Set(sending.map((row) => row.shopId))])
            .where("status", "=", "active")
            .execute();
    const endpoints = endpointRows.map((row) => ({
      id: row.id,
      shopId: row.shopId,
      status: row.status,
      consentOnly: read.bool(row.consentOnly),
      topics: read.json<Prisma.JsonValue>(row.topics),
      dropFields: read.json<Prisma.JsonValue>(row.dropFields),
      maskFields: read.json<Prisma.JsonValue>(row.maskFields),
    }));
    const events: NewEvent[] = sending.map((row) => {
      const checkout = checkoutFromRow(row);
      const shop = shops.get(checkout.shopId)!;
      const eventId = randomUUID();
      return {
        eventId,
        shopId: shop.id,
        checkoutId: checkout.id,
        topic: "abandonedCheckout",
        payload: buildCartPayload(checkout, shop, { eventId, topic: "abandonedCheckout", createdAt: now }),
        createdAt: now,
        expiresAt: new Date(now.getTime() + shop.eventExpiryHours * HOUR_MS),
        endpoints: endpoints.filter((endpoint) => endpoint.shopId === shop.id && endpointWants(endpoint, "abandonedCheckout", checkout)),
      };
    });
    await recordEvents(tx, events);

    for (const outcome of outcomes) if (outcome.outcome === "collapsed" || outcome.outcome === "suppressed") result[outcome.outcome]++;
    for (const g of guarded) {
      if (g.outcome === "sent") result.sent++;
      else if (g.outcome === "held_out") result.heldOut++;
      else if (g.outcome === "guarded") result.suppressed++;
    }
    const pendingCodes = guarded.flatMap((g) =>
      g.outcome === "awaiting_code" ? [{ checkoutId: g.id, token: rowsById.get(g.id)!.token, shop: shops.get(rowsById.get(g.id)!.shopId)! }] : [],
    );
    return { result, sentTo: sending.map((row) => ({ shop: shops.get(row.shopId)!.domain, checkoutId: row.id })), pendingCodes };
  });
  for (const sent of sentTo) logger.info(sent, "checkout abandoned");
  return { result, pendingCodes };
}

export interface SweepOptions extends RecoveryCodeOptions {
  limit?: number;
}

export async function sweepAbandonedCheckouts(now = new Date(), { limit = 200, ...codes }: SweepOptions = {}): Promise<SweepResult> {
  const first = await sweepOnce(now, limit);
  let result = first.result;
  if (first.pendingCodes.length > 0) {
    await createPendingCodes(first.pendingCodes, now, codes);
    const second = (await sweepOnce(now, first.pendingCodes.length)).result;
    result = {
      due: result.due,
      sent: result.sent + second.sent,
      suppressed: result.suppressed + second.suppressed,
      collapsed: result.collapsed + second.collapsed,
      heldOut: result.heldOut + second.heldOut,
    };
  }
  await deactivateDueCodes(now, codes);
  await syncConsent(now, codes);
  return result;
}
