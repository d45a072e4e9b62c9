import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { sql, type Selectable } from "kysely";
import type { Codec } from "../db/codec";
import { read } from "../db/codec";
import { sqlDatabase, type SqlExecutor } from "../db/sql.server";
import type { DB } from "../db/tables";
import { logger } from "../logger.server";
import { buildCartPayload } from "../events/payload/cart-payload";
import { endpointWants } from "../events/subscriptions";
import { recordEvents, type NewEvent } from "../events/record-event.server";
import { withoutOptedOut } from "../opt-out/opt-outs.server";
import { checkoutFromRow, shopFromRow } from "./checkout-row";
import { dedupeWindowStart, planSweep, type ContactCheckout, type PlannedOutcome, type SweepShop } from "./sweep-plan";

const HOUR_MS = 60 * 60_000;

export interface SweepResult {
  due: number;
  sent: number;
  suppressed: number;
  collapsed: number;
}

type CheckoutRow = Selectable<DB["Checkout"]>;

/**
 * Claims up to `limit` due checkouts (index on status + abandonDueAt). The
 * pass's transaction holds them until it commits: on PostgreSQL through row
 * locks that other detectors skip, on SQLite through BEGIN IMMEDIATE, which
 * runs detectors one after another.
 */
async function claimDue(tx: SqlExecutor, codec: Codec, now: Date, limit: number): Promise<CheckoutRow[]> {
  return tx
    .selectFrom("Checkout")
    .selectAll()
    .where("status", "=", "open")
    .where("abandonDueAt", "<=", codec.date(now))
    .where("orderId", "is", null)
    .orderBy("abandonDueAt")
    .orderBy("id")
    .limit(limit)
    .$if(codec.dialect === "postgres", (query) => query.forUpdate().skipLocked())
    .execute();
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
    .select(["c.id", "c.shopId", "c.emailNormalized", "c.phoneE164", "c.status", "c.lastActivityAt", "c.orderCreatedAt", "e.createdAt as abandonedEventAt"])
    .where("c.shopId", "in", shopIds)
    .where(`c.${kind}`, "in", values)
    .where(sql<boolean>`${activity} >= ${codec.date(since)}`);
}

async function contactCheckouts(tx: SqlExecutor, codec: Codec, due: CheckoutRow[], since: Date): Promise<ContactCheckout[]> {
  const shopIds = [...new Set(due.map((checkout) => checkout.shopId))];
  const found = new Map<number, ContactCheckout>();
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
      });
    }
  }
  return [...found.values()];
}

/** `CASE id WHEN .. THEN .. END`: one UPDATE gives each collapsed checkout the one it collapsed into. */
function intoIds(outcomes: { id: number; intoId: number }[]) {
  return sql<number>`case ${sql.ref("id")} ${sql.join(
    outcomes.map((o) => sql`when ${o.id} then cast(${o.intoId} as integer)`),
    sql` `,
  )} end`;
}

async function applyOutcomes(tx: SqlExecutor, codec: Codec, outcomes: PlannedOutcome[], now: Date): Promise<void> {
  const at = codec.date(now);
  const updatedAt = codec.date(new Date());
  const of = <K extends PlannedOutcome["outcome"]>(kind: K) => outcomes.filter((o): o is Extract<PlannedOutcome, { outcome: K }> => o.outcome === kind);
  const skipped = of("skipped").map((o) => o.id);
  const sent = of("sent").map((o) => o.id);
  const collapsed = of("collapsed");
  const suppressed = of("suppressed");
  if (skipped.length > 0) {
    await tx.updateTable("Checkout").set({ abandonDueAt: null, updatedAt }).where("id", "in", skipped).execute();
  }
  if (collapsed.length > 0) {
    await tx
      .updateTable("Checkout")
      .set({ abandonDueAt: null, collapsedIntoId: intoIds(collapsed), updatedAt })
      .where(
        "id",
        "in",
        collapsed.map((o) => o.id),
      )
      .execute();
  }
  if (suppressed.length > 0) {
    await tx
      .updateTable("Checkout")
      .set({ status: "abandoned", abandonedAt: at, abandonDueAt: null, collapsedIntoId: intoIds(suppressed), updatedAt })
      .where(
        "id",
        "in",
        suppressed.map((o) => o.id),
      )
      .execute();
  }
  if (sent.length > 0) {
    await tx.updateTable("Checkout").set({ status: "abandoned", abandonedAt: at, abandonDueAt: null, updatedAt }).where("id", "in", sent).execute();
  }
}

/**
 * One pass of the abandonment detector, set-based: one transaction claims the
 * due checkouts, looks up their buyers' other checkouts (one query per
 * contact kind), decides every outcome in memory (`planSweep`, the rules of
 * handling them one at a time) and writes the checkouts' new states, the
 * events and their deliveries with multi-row statements. Its cost follows
 * the number due, not the number open.
 */
export async function sweepAbandonedCheckouts(now = new Date(), { limit = 200 } = {}): Promise<SweepResult> {
  const { db, codec } = sqlDatabase();
  const { result, sentTo } = await db.transaction().execute(async (tx) => {
    const due = await claimDue(tx, codec, now, limit);
    const result: SweepResult = { due: due.length, sent: 0, suppressed: 0, collapsed: 0 };
    if (due.length === 0) return { result, sentTo: [] };

    const shopIds = [...new Set(due.map((checkout) => checkout.shopId))];
    const shopRows = await tx.selectFrom("Shop").selectAll().where("id", "in", shopIds).execute();
    const shops = new Map(shopRows.map((row) => [row.id, shopFromRow(row)]));
    const policies = new Map<string, SweepShop>(
      [...shops.values()].map((shop) => [shop.id, { uninstalled: shop.uninstalledAt !== null, dedupeWindowHours: shop.dedupeWindowHours }]),
    );
    const widestWindow = Math.max(...[...policies.values()].map((policy) => policy.dedupeWindowHours));
    const found = await contactCheckouts(tx, codec, due, dedupeWindowStart(now, widestWindow));
    const outcomes = planSweep(
      due.map((row) => ({ ...row, lastActivityAt: read.date(row.lastActivityAt) })),
      policies,
      found,
      now,
    );
    await applyOutcomes(tx, codec, outcomes, now);

    const sentIds = new Set(outcomes.filter((o) => o.outcome === "sent").map((o) => o.id));
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

    for (const outcome of outcomes) if (outcome.outcome !== "skipped") result[outcome.outcome]++;
    return { result, sentTo: sending.map((row) => ({ shop: shops.get(row.shopId)!.domain, checkoutId: row.id })) };
  });
  for (const sent of sentTo) logger.info(sent, "checkout abandoned");
  return result;
}
