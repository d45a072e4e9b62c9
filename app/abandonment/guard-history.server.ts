import { read, type Codec } from "../db/codec";
import type { SqlExecutor } from "../db/sql.server";
import type { BuyerIdentity } from "./send-guard";

const DAY_MS = 24 * 60 * 60_000;

/**
 * The shops' orders of these buyers created since `now - days` (orders/create
 * fills BuyerOrder, linked or not): one statement per contact kind, each on
 * its (shopId, contact, orderCreatedAt) index.
 */
export async function recentBuyerOrders(tx: SqlExecutor, codec: Codec, shopIds: string[], buyers: readonly BuyerIdentity[], now: Date, days: number) {
  if (days <= 0 || shopIds.length === 0) return [];
  const since = codec.date(new Date(now.getTime() - days * DAY_MS));
  const found = new Map<number, { shopId: string; orderId: string; phoneE164: string | null; emailNormalized: string | null; createdAt: Date }>();
  for (const kind of ["emailNormalized", "phoneE164"] as const) {
    const values = [...new Set(buyers.map((buyer) => buyer[kind]).filter((value): value is string => Boolean(value)))];
    if (values.length === 0) continue;
    const rows = await tx
      .selectFrom("BuyerOrder")
      .select(["id", "shopId", "orderId", "emailNormalized", "phoneE164", "orderCreatedAt"])
      .where("shopId", "in", shopIds)
      .where(kind, "in", values)
      .where("orderCreatedAt", ">=", since)
      .execute();
    for (const row of rows) found.set(row.id, { ...row, createdAt: read.date(row.orderCreatedAt) });
  }
  return [...found.values()];
}
