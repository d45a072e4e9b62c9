import { z } from "zod";
import prisma from "../../db.server";
import { maskText } from "../../events/payload/field-rules";
import { optOutsByPhone } from "../../opt-out/opt-outs.server";
import { RECOVERY_COLUMNS, recoveryNotes } from "../../recovery/recovery-notes";
import { maskContactEmail, maskContactPhone } from "../../admin/mask";

// The Checkouts page: the shop's captured checkouts, contact data masked
// before it leaves the server, with what happened to their cart message.

export const CHECKOUT_STATUSES = ["open", "abandoned", "converted", "recovered"] as const;
export const CHECKOUT_PAGE_SIZE = 50;

export const checkoutQuerySchema = z.object({
  status: z.enum(CHECKOUT_STATUSES, { error: `must be one of ${CHECKOUT_STATUSES.join(", ")}` }).optional(),
  page: z.coerce.number({ error: "must be a page number" }).int("must be a whole number").min(1, "must be 1 or more").max(10_000, "is too large").default(1),
});

export interface MessageSummary {
  /** endpoints the abandonedCheckout event went to */
  endpoints: number;
  delivered: number;
  failed: number;
  pending: number;
  cancelled: number;
}

function summarize(statuses: string[]): MessageSummary {
  const count = (...wanted: string[]) => statuses.filter((status) => wanted.includes(status)).length;
  return {
    endpoints: statuses.length,
    delivered: count("succeeded"),
    failed: count("failed", "expired"),
    pending: count("pending", "in_flight"),
    cancelled: count("cancelled", "cancelled_converted"),
  };
}

function lineCount(lines: unknown): number {
  const parsed = typeof lines === "string" ? safeParse(lines) : lines;
  return Array.isArray(parsed) ? parsed.length : 0;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function listCheckouts(shopId: string, query: z.output<typeof checkoutQuerySchema>) {
  const where = { shopId, ...(query.status ? { status: query.status } : {}) };
  const [rows, counts, everAbandoned] = await Promise.all([
    prisma.checkout.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * CHECKOUT_PAGE_SIZE,
      take: CHECKOUT_PAGE_SIZE + 1,
      select: {
        id: true,
        status: true,
        createdAt: true,
        lastActivityAt: true,
        abandonedAt: true,
        email: true,
        phoneE164: true,
        phone: true,
        addressPhone: true,
        total: true,
        currency: true,
        whatsappOptIn: true,
        smsMarketing: true,
        emailMarketing: true,
        sources: true,
        orderName: true,
        orderTotal: true,
        orderCurrency: true,
        matchType: true,
        collapsedIntoId: true,
        firstName: true,
        city: true,
        zip: true,
        countryCode: true,
        lines: true,
        ...RECOVERY_COLUMNS,
        events: { where: { topic: "abandonedCheckout" }, select: { deliveries: { select: { status: true } } } },
      },
    }),
    prisma.checkout.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }),
    // Abandoned at some point, whatever the status now: what the dashboard's "Abandoned checkouts" counts (over its range).
    prisma.checkout.groupBy({ by: ["status"], where: { shopId, abandonedAt: { not: null } }, _count: { _all: true } }),
  ]);
  const optOuts = await optOutsByPhone(
    shopId,
    rows.map((row) => row.phoneE164),
  );
  return {
    hasNext: rows.length > CHECKOUT_PAGE_SIZE,
    hasPrevious: query.page > 1,
    counts: Object.fromEntries(counts.map((group) => [group.status, group._count._all])) as Record<string, number>,
    everAbandoned: Object.fromEntries(everAbandoned.map((group) => [group.status, group._count._all])) as Record<string, number>,
    checkouts: rows.slice(0, CHECKOUT_PAGE_SIZE).map((row) => ({
      id: row.id,
      status: row.status,
      createdAt: row.createdAt,
      lastActivityAt: row.lastActivityAt,
      abandonedAt: row.abandonedAt,
      email: maskContactEmail(row.email),
      phone: maskContactPhone(row.phoneE164 ?? row.phone ?? row.addressPhone),
      total: row.total?.toString() ?? null,
      currency: row.currency,
      consent: { whatsapp: row.whatsappOptIn, sms: row.smsMarketing, email: row.emailMarketing },
      sources: row.sources ? row.sources.split(",") : [],
      // What a checkout without contact data still tells (a ZIP alone, a name, the cart).
      // Name and ZIP are masked as in the delivery log; city and country are not personal on their own.
      partial: {
        firstName: row.firstName ? maskText(row.firstName) : null,
        zip: row.zip ? maskText(row.zip) : null,
        city: row.city,
        countryCode: row.countryCode,
        lineCount: lineCount(row.lines),
      },
      order: row.orderName ? { name: row.orderName, total: row.orderTotal?.toString() ?? null, currency: row.orderCurrency, matchType: row.matchType } : null,
      collapsed: row.collapsedIntoId !== null,
      // The buyer told a BSP to stop: no abandoned-cart message goes to this phone from any endpoint.
      optedOut: (row.phoneE164 && optOuts.get(row.phoneE164)) || null,
      recovery: recoveryNotes(row),
      message: row.events.length > 0 ? summarize(row.events.flatMap((event) => event.deliveries.map((d) => d.status))) : null,
    })),
  };
}
