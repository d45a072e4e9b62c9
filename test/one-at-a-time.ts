// The detector and the dashboard as they were before they became set-based
// (issue 12), kept as references: the tests prove the new ones give the same
// results, and bench/detector.ts measures them side by side.
import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { dedupeDecision, type SiblingCheckout } from "../app/abandonment/rules";
import { buildCartPayload } from "../app/events/payload/cart-payload";
import { endpointWants } from "../app/events/subscriptions";
import { recordEvent } from "../app/events/record-event.server";
import { computeDashboard, MESSAGE_TOPICS, type DashboardMetrics } from "../app/metrics/dashboard";
import { rangeBounds, type DayRange } from "../app/metrics/date-range";

const HOUR = 60 * 60_000;

/** The detector before it was set-based: one checkout at a time through Prisma. */
export async function sweepOneAtATime(now: Date, shopId?: string) {
  const due = await prisma.checkout.findMany({
    where: { shopId, status: "open", abandonDueAt: { lte: now } },
    orderBy: [{ abandonDueAt: "asc" }, { id: "asc" }],
    include: { shop: true },
  });
  // The dedupe rules only: the send guard is proven on its own (test/recovery-send-guard.test.ts).
  const result = { due: due.length, sent: 0, suppressed: 0, collapsed: 0, heldOut: 0 };
  for (const checkout of due) {
    const { shop } = checkout;
    const claim = { id: checkout.id, status: "open", abandonDueAt: { lte: now }, orderId: null };
    if (shop.uninstalledAt) {
      await prisma.checkout.updateMany({ where: claim, data: { abandonDueAt: null } });
      continue;
    }
    const contact = [
      ...(checkout.emailNormalized ? [{ emailNormalized: checkout.emailNormalized }] : []),
      ...(checkout.phoneE164 ? [{ phoneE164: checkout.phoneE164 }] : []),
    ];
    const rows =
      contact.length === 0
        ? []
        : await prisma.checkout.findMany({
            where: {
              shopId: checkout.shopId,
              id: { not: checkout.id },
              OR: contact,
              lastActivityAt: { gte: new Date(now.getTime() - shop.dedupeWindowHours * HOUR) },
            },
            select: {
              id: true,
              status: true,
              lastActivityAt: true,
              orderCreatedAt: true,
              events: { where: { topic: "abandonedCheckout" }, select: { createdAt: true } },
            },
          });
    const siblings: SiblingCheckout[] = rows.map(({ events, ...row }) => ({ ...row, abandonedEventAt: events[0]?.createdAt ?? null }));
    const decision = dedupeDecision(checkout, siblings, now, shop.dedupeWindowHours);
    if (decision.action === "collapse") {
      await prisma.checkout.updateMany({ where: claim, data: { abandonDueAt: null, collapsedIntoId: decision.intoId } });
      result.collapsed++;
      continue;
    }
    if (decision.action === "suppress") {
      await prisma.checkout.updateMany({ where: claim, data: { status: "abandoned", abandonedAt: now, abandonDueAt: null, collapsedIntoId: decision.intoId } });
      result.suppressed++;
      continue;
    }
    const endpoints = await prisma.endpoint.findMany({ where: { shopId: checkout.shopId, status: "active" } });
    const eventId = randomUUID();
    await prisma.$transaction(async (tx) => {
      await tx.checkout.updateMany({ where: claim, data: { status: "abandoned", abandonedAt: now, abandonDueAt: null } });
      await recordEvent(tx, {
        eventId,
        shopId: checkout.shopId,
        checkoutId: checkout.id,
        topic: "abandonedCheckout",
        payload: buildCartPayload(checkout, shop, { eventId, topic: "abandonedCheckout", createdAt: now }),
        createdAt: now,
        expiresAt: new Date(now.getTime() + shop.eventExpiryHours * HOUR),
        endpoints: endpoints.filter((endpoint) => endpointWants(endpoint, "abandonedCheckout", checkout)),
      });
    });
    result.sent++;
  }
  return result;
}

/** The dashboard before it was aggregated in SQL: every checkout of the range loaded, then counted in memory. */
export async function dashboardFromRows(shop: Shop, range: DayRange, endpointId: string | null): Promise<DashboardMetrics> {
  const { start, end } = rangeBounds(range);
  const createdAt = { gte: start, lt: end };
  const [checkouts, deliveries] = await Promise.all([
    prisma.checkout.findMany({
      where: { shopId: shop.id, createdAt },
      select: {
        id: true,
        createdAt: true,
        status: true,
        abandonedAt: true,
        phoneE164: true,
        emailNormalized: true,
        whatsappOptIn: true,
        smsMarketing: true,
        emailMarketing: true,
        orderTotal: true,
        orderCurrency: true,
      },
    }),
    prisma.delivery.findMany({
      where: { shopId: shop.id, topic: { in: [...MESSAGE_TOPICS] }, ...(endpointId ? { endpointId } : {}), event: { test: false, checkout: { createdAt } } },
      select: {
        id: true,
        endpointId: true,
        eventId: true,
        topic: true,
        status: true,
        attemptCount: true,
        firstSuccessAt: true,
        event: { select: { createdAt: true, checkoutId: true } },
        attempts: { select: { errorKind: true, statusCode: true } },
      },
    }),
  ]);
  return computeDashboard({
    range,
    endpointId,
    currency: shop.currency,
    checkouts: checkouts.map((checkout) => ({ ...checkout, orderTotal: checkout.orderTotal?.toString() ?? null })),
    deliveries: deliveries.map(({ event, ...delivery }) => ({ ...delivery, eventCreatedAt: event.createdAt, checkoutId: event.checkoutId })),
  });
}
