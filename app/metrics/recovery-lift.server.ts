import type { Shop } from "@prisma/client";
import { sql } from "kysely";
import { sqlDatabase } from "../db/sql.server";
import { rangeBounds, type DayRange } from "./date-range";
import { computeLift, type Lift } from "./lift";

// The dashboard's recovery measurement (issue 17): per range of abandonedAt,
// the sent and held-out groups' checkouts, linked orders and their revenue,
// and the send guard's suppressions by reason, each one aggregate statement
// on the shop's checkouts. Every number is a count of stored rows.

export interface RecoveryMeasurement {
  lift: Lift;
  suppressed: { reason: string; count: number }[];
  heldOutShare: number;
}

export async function loadRecoveryMeasurement(shop: Pick<Shop, "id" | "currency" | "holdoutPercent">, range: DayRange): Promise<RecoveryMeasurement> {
  const { db, codec } = sqlDatabase();
  const { start, end } = rangeBounds(range);
  const postgres = codec.dialect === "postgres";
  const instant = (at: Date) => (postgres ? sql`cast(${codec.date(at)} as timestamp(3))` : sql`${codec.date(at)}`);
  const inRange = sql`c."shopId" = ${shop.id} AND c."abandonedAt" >= ${instant(start)} AND c."abandonedAt" < ${instant(end)}`;
  const groups = await sql<{ recoveryGroup: string; checkouts: number | string; orders: number | string; revenue: number | string | null }>`
    SELECT c."recoveryGroup" AS "recoveryGroup", count(*) AS checkouts,
      sum(CASE WHEN c."orderId" IS NOT NULL THEN 1 ELSE 0 END) AS orders,
      sum(CASE WHEN c."orderId" IS NOT NULL THEN c."orderTotal" ELSE 0 END) AS revenue
    FROM "Checkout" c WHERE ${inRange} AND c."recoveryGroup" IS NOT NULL GROUP BY c."recoveryGroup"`.execute(db);
  const suppressed = await sql<{ reason: string; count: number | string }>`
    SELECT c."suppressedReason" AS reason, count(*) AS count
    FROM "Checkout" c WHERE ${inRange} AND c."suppressedReason" IS NOT NULL GROUP BY c."suppressedReason" ORDER BY count(*) DESC`.execute(db);
  const group = (name: string) => {
    const row = groups.rows.find((r) => r.recoveryGroup === name);
    return { checkouts: Number(row?.checkouts ?? 0), orders: Number(row?.orders ?? 0), revenue: Number(row?.revenue ?? 0).toFixed(2) };
  };
  return {
    lift: computeLift({ sent: group("sent"), heldOut: group("held_out") }),
    suppressed: suppressed.rows.map((row) => ({ reason: row.reason, count: Number(row.count) })),
    heldOutShare: shop.holdoutPercent / 100,
  };
}
