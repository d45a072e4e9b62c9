import type { OptOut, Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { SqlExecutor } from "../db/sql.server";
import { cancelForOptOut } from "../delivery/delivery-state.server";
import type { OptOutReport } from "./opt-out-report";

// The shop's opted-out phones: this module holds every write of the OptOut
// table and the one read the detector makes of it.

export interface RecordedOptOut {
  optOut: OptOut;
  /** false when the phone had already opted out (the first report's time and source are kept) */
  created: boolean;
  /** abandonedCheckout deliveries to that phone that were still waiting, now cancelled */
  cancelledDeliveries: number;
}

/**
 * Records an opt-out and, in the same transaction, cancels the shop's
 * abandonedCheckout deliveries to that phone still waiting for an attempt.
 * Deliveries in flight finish their attempt; the detector creates no new
 * event for the phone from now on.
 */
export async function recordOptOut(
  shopId: string,
  reporter: { endpointId: string; source: string },
  report: OptOutReport,
  now = new Date(),
): Promise<RecordedOptOut> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.optOut.findUnique({ where: { shopId_phoneE164: { shopId, phoneE164: report.phoneE164 } } });
    const optOut =
      existing ??
      (await tx.optOut.create({
        data: {
          shopId,
          phoneE164: report.phoneE164,
          endpointId: reporter.endpointId,
          source: reporter.source,
          reason: report.reason,
          optedOutAt: report.optedOutAt,
          createdAt: now,
        },
      }));
    const { count } = await cancelForOptOut(tx, shopId, report.phoneE164, now);
    return { optOut, created: existing === null, cancelledDeliveries: count };
  });
}

const key = (shopId: string, phoneE164: string) => `${shopId}\u0000${phoneE164}`;

/** The checkouts among `rows` whose phone has not opted out of their shop; one indexed query inside the caller's transaction. */
export async function withoutOptedOut<T extends { shopId: string; phoneE164: string | null }>(tx: SqlExecutor, rows: T[]): Promise<T[]> {
  const phones = [...new Set(rows.map((row) => row.phoneE164).filter((phone): phone is string => phone !== null))];
  if (phones.length === 0) return rows;
  const found = await tx
    .selectFrom("OptOut")
    .select(["shopId", "phoneE164"])
    .where("shopId", "in", [...new Set(rows.map((row) => row.shopId))])
    .where("phoneE164", "in", phones)
    .execute();
  if (found.length === 0) return rows;
  const optedOut = new Set(found.map((row) => key(row.shopId, row.phoneE164)));
  return rows.filter((row) => row.phoneE164 === null || !optedOut.has(key(row.shopId, row.phoneE164)));
}

/** The shop's opt-outs of these phones, by phone: what the Checkouts page shows. */
export async function optOutsByPhone(shopId: string, phones: (string | null)[]): Promise<Map<string, Pick<OptOut, "source" | "reason" | "optedOutAt">>> {
  const wanted = [...new Set(phones.filter((phone): phone is string => phone !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await prisma.optOut.findMany({
    where: { shopId, phoneE164: { in: wanted } },
    select: { phoneE164: true, source: true, reason: true, optedOutAt: true },
  });
  return new Map(rows.map(({ phoneE164, ...rest }) => [phoneE164, rest]));
}

/** customers/redact: the buyer's phone leaves the opt-out list with the rest of their data. */
export function forgetOptOut(shopId: string, phoneE164: string | null): Prisma.PrismaPromise<Prisma.BatchPayload>[] {
  return phoneE164 ? [prisma.optOut.deleteMany({ where: { shopId, phoneE164 } })] : [];
}

/** customers/data_request: the opt-out held for the buyer's phone, if any. */
export function optOutOf(shopId: string, phoneE164: string | null) {
  return phoneE164
    ? prisma.optOut.findUnique({ where: { shopId_phoneE164: { shopId, phoneE164 } }, select: { source: true, reason: true, optedOutAt: true } })
    : null;
}
