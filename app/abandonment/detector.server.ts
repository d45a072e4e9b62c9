import { randomUUID } from "node:crypto";
import type { Checkout, Shop } from "@prisma/client";
import prisma from "../db.server";
import { logger } from "../logger.server";
import { buildCartPayload } from "../delivery/payload/cart-payload";
import { endpointWants } from "../events/routing";
import { recordEvent } from "../events/record-event.server";
import { dedupeDecision, type SiblingCheckout } from "./rules";

const HOUR_MS = 60 * 60_000;

export interface SweepResult {
  due: number;
  sent: number;
  suppressed: number;
  collapsed: number;
}

async function siblingsOf(checkout: Checkout, since: Date): Promise<SiblingCheckout[]> {
  const contact = [
    ...(checkout.emailNormalized ? [{ emailNormalized: checkout.emailNormalized }] : []),
    ...(checkout.phoneE164 ? [{ phoneE164: checkout.phoneE164 }] : []),
  ];
  if (contact.length === 0) return [];
  const rows = await prisma.checkout.findMany({
    where: { shopId: checkout.shopId, id: { not: checkout.id }, OR: contact, lastActivityAt: { gte: since } },
    select: {
      id: true, status: true, lastActivityAt: true, orderCreatedAt: true,
      events: { where: { topic: "abandonedCheckout" }, select: { createdAt: true } },
    },
    take: 50,
  });
  return rows.map(({ events, ...row }) => ({ ...row, abandonedEventAt: events[0]?.createdAt ?? null }));
}

type Outcome = "sent" | "suppressed" | "collapsed" | "skipped";

/**
 * Turns one due checkout into an abandonedCheckout event with a delivery per
 * interested endpoint. The conditional update makes the first detector to
 * get here the only one, whatever runs concurrently.
 */
async function abandon(checkout: Checkout & { shop: Shop }, now: Date): Promise<Outcome> {
  const { shop } = checkout;
  const claim = { id: checkout.id, status: "open", abandonDueAt: { lte: now }, orderId: null };
  if (shop.uninstalledAt) {
    await prisma.checkout.updateMany({ where: claim, data: { abandonDueAt: null } });
    return "skipped";
  }

  const siblings = await siblingsOf(checkout, new Date(now.getTime() - shop.dedupeWindowHours * HOUR_MS));
  const decision = dedupeDecision(checkout, siblings, now, shop.dedupeWindowHours);
  if (decision.action === "collapse") {
    await prisma.checkout.updateMany({ where: claim, data: { abandonDueAt: null, collapsedIntoId: decision.intoId } });
    return "collapsed";
  }
  if (decision.action === "suppress") {
    await prisma.checkout.updateMany({
      where: claim,
      data: { status: "abandoned", abandonedAt: now, abandonDueAt: null, collapsedIntoId: decision.intoId },
    });
    return "suppressed";
  }

  const endpoints = await prisma.endpoint.findMany({ where: { shopId: shop.id, status: "active" } });
  const eventId = randomUUID();
  const payload = buildCartPayload(checkout, shop, { eventId, topic: "abandonedCheckout", createdAt: now });
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.checkout.updateMany({
      where: claim,
      data: { status: "abandoned", abandonedAt: now, abandonDueAt: null },
    });
    if (count === 0) return "skipped";
    await recordEvent(tx, {
      eventId,
      shopId: shop.id,
      checkoutId: checkout.id,
      topic: "abandonedCheckout",
      payload,
      createdAt: now,
      expiresAt: new Date(now.getTime() + shop.eventExpiryHours * HOUR_MS),
      endpoints: endpoints.filter((endpoint) => endpointWants(endpoint, "abandonedCheckout", checkout)),
    });
    return "sent";
  });
}

/**
 * One pass of the abandonment detector. It reads only checkouts already due
 * (index on status + abandonDueAt), so its cost follows the number due, not
 * the number open.
 */
export async function sweepAbandonedCheckouts(now = new Date(), { limit = 200 } = {}): Promise<SweepResult> {
  const due = await prisma.checkout.findMany({
    where: { status: "open", abandonDueAt: { lte: now } },
    orderBy: { abandonDueAt: "asc" },
    take: limit,
    include: { shop: true },
  });
  const result: SweepResult = { due: due.length, sent: 0, suppressed: 0, collapsed: 0 };
  for (const checkout of due) {
    const outcome = await abandon(checkout, now);
    if (outcome !== "skipped") result[outcome]++;
    if (outcome === "sent") logger.info({ shop: checkout.shop.domain, checkoutId: checkout.id }, "checkout abandoned");
  }
  return result;
}
