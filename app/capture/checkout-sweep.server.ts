import { sql, type Selectable } from "kysely";
import type { Codec } from "../db/codec";
import type { SqlExecutor } from "../db/sql.server";
import type { DB } from "../db/tables";

// The Checkout side of the abandonment detector's pass: claiming the due
// rows and writing what the pass decided for them, inside the pass's own
// transaction, one multi-row statement per kind of outcome.

export type DueCheckout = Selectable<DB["Checkout"]>;

/**
 * Claims up to `limit` due checkouts (index on status + abandonDueAt). The
 * pass's transaction holds them until it commits: on PostgreSQL through row
 * locks that other detectors skip, on SQLite through BEGIN IMMEDIATE, which
 * runs detectors one after another.
 */
export async function claimDueCheckouts(tx: SqlExecutor, codec: Codec, now: Date, limit: number): Promise<DueCheckout[]> {
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

/** A checkout the pass abandoned: sent, held out or suppressed by the send guard, and the buyer's time zone. */
export interface AbandonedCheckout {
  id: number;
  recoveryGroup: string | null;
  holdoutPosition: number | null;
  suppressedReason: string | null;
  timeZone: string;
  timeZoneSource: string;
}

/** What one pass decided for the checkouts it claimed. */
export interface SweptCheckouts {
  /** due no more, nothing else changes */
  released: number[];
  /** due no more: a newer checkout of the buyer stands for them */
  collapsed: { id: number; intoId: number }[];
  /** abandoned without a message: the buyer was just messaged for another checkout */
  duplicates: { id: number; intoId: number }[];
  /** their recovery code is to be made first: due again when its lease ends */
  awaitingCode: { id: number; code: string }[];
  abandoned: AbandonedCheckout[];
}

/** `CASE id WHEN .. THEN .. END`: one UPDATE gives each collapsed checkout the one it collapsed into. */
function intoIds(outcomes: { id: number; intoId: number }[]) {
  return sql<number>`case ${sql.ref("id")} ${sql.join(
    outcomes.map((o) => sql`when ${o.id} then cast(${o.intoId} as integer)`),
    sql` `,
  )} end`;
}

/** The same for any column: each checkout its own value. */
function byId<T>(values: { id: number; value: T }[], type: "text" | "double precision") {
  const cast = sql.raw(type);
  return sql<T>`case ${sql.ref("id")} ${sql.join(
    values.map((v) => sql`when ${v.id} then cast(${v.value} as ${cast})`),
    sql` `,
  )} else null end`;
}

/** Writes the pass's decisions: statuses, due times, what each collapsed into, the holdout group and the buyer's time zone. */
export async function settleSweptCheckouts(tx: SqlExecutor, codec: Codec, swept: SweptCheckouts, now: Date, codeLeaseEndsAt: Date): Promise<void> {
  const at = codec.date(now);
  const updatedAt = codec.date(new Date());
  const { released, collapsed, duplicates, awaitingCode, abandoned } = swept;
  if (released.length > 0) {
    await tx.updateTable("Checkout").set({ abandonDueAt: null, updatedAt }).where("id", "in", released).execute();
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
  if (duplicates.length > 0) {
    await tx
      .updateTable("Checkout")
      .set({ status: "abandoned", abandonedAt: at, abandonDueAt: null, collapsedIntoId: intoIds(duplicates), suppressedReason: "duplicate", updatedAt })
      .where(
        "id",
        "in",
        duplicates.map((o) => o.id),
      )
      .execute();
  }
  if (awaitingCode.length > 0) {
    await tx
      .updateTable("Checkout")
      .set({
        recoveryCode: byId(
          awaitingCode.map((g) => ({ id: g.id, value: g.code })),
          "text",
        ),
        abandonDueAt: codec.date(codeLeaseEndsAt),
        updatedAt,
      })
      .where(
        "id",
        "in",
        awaitingCode.map((g) => g.id),
      )
      .execute();
  }
  if (abandoned.length > 0) {
    const column = <T>(pick: (a: AbandonedCheckout) => T, type: "text" | "double precision") =>
      byId(
        abandoned.map((a) => ({ id: a.id, value: pick(a) })),
        type,
      );
    await tx
      .updateTable("Checkout")
      .set({
        status: "abandoned",
        abandonedAt: at,
        abandonDueAt: null,
        recoveryGroup: column((a) => a.recoveryGroup, "text"),
        holdoutPosition: column((a) => a.holdoutPosition, "double precision"),
        suppressedReason: column((a) => a.suppressedReason, "text"),
        buyerTimeZone: column((a) => a.timeZone, "text"),
        buyerTimeZoneSource: column((a) => a.timeZoneSource, "text"),
        updatedAt,
      })
      .where(
        "id",
        "in",
        abandoned.map((a) => a.id),
      )
      .execute();
  }
}

/** A recovery code's answer from Shopify stored, and the checkout due again at once for its second pass (unless it moved on meanwhile). */
export async function storeRecoveryCodeAnswer(
  db: SqlExecutor,
  codec: Codec,
  checkoutId: number,
  answer: { recoveryDiscountId?: string; recoveryCodeEndsAt?: string | Date | null; recoveryCodeError?: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable("Checkout")
    .set({ ...answer, abandonDueAt: codec.date(now), updatedAt: codec.date(new Date()) })
    .where("id", "=", checkoutId)
    .where("status", "=", "open")
    .where("recoveryDiscountId", "is", null)
    .execute();
}
