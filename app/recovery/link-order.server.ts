import { randomUUID } from "node:crypto";
import type { Checkout, Prisma, Shop } from "@prisma/client";
import prisma from "../db.server";
import { normalizeEmail, normalizePhone } from "../contact";
import { findShop } from "../shops/shop.server";
import { linkOrderToCheckout } from "../capture/checkout-state.server";
import { cancelForConversion } from "../delivery/delivery-state.server";
import { ATTRIBUTION_ATTRIBUTE, buildRecoveredPayload } from "../events/payload/cart-payload";
import { recordEvent } from "../events/record-event.server";
import { recoveryReceivers } from "../events/subscriptions";
import { logger } from "../logger.server";
import { classifyLink, withinAttributionWindow, withinGroupWindow, type MatchType } from "./attribution";
import { recordBuyerOrder } from "./buyer-orders.server";
import { queueAfterOrder } from "../consent/consent-sync.server";
import { RECOVERY_CODE_PREFIX } from "./discount-codes.server";
import { orderAttribute, orderContacts, type OrderWebhook } from "./order-payload";
import { HOUR_MS } from "../time";

async function firstSuccessfulDeliveryAt(checkoutId: number): Promise<Date | null> {
  const first = await prisma.delivery.findFirst({
    where: { event: { checkoutId, topic: "abandonedCheckout", test: false }, firstSuccessAt: { not: null } },
    orderBy: { firstSuccessAt: "asc" },
    select: { firstSuccessAt: true },
  });
  return first?.firstSuccessAt ?? null;
}

async function byContact(shop: Shop, order: OrderWebhook, orderCreatedAt: Date): Promise<Checkout | null> {
  const { email, phones } = orderContacts(order);
  const normalizedEmail = normalizeEmail(email);
  const normalizedPhones = phones.map((phone) => normalizePhone(phone, shop.countryCode)).filter((p): p is string => p !== null);
  const contact = [
    ...(normalizedEmail ? [{ emailNormalized: normalizedEmail }] : []),
    ...(normalizedPhones.length > 0 ? [{ phoneE164: { in: normalizedPhones } }] : []),
  ];
  if (contact.length === 0) return null;
  const windowStart = new Date(orderCreatedAt.getTime() - shop.attributionWindowDays * 24 * HOUR_MS);
  const candidates = await prisma.checkout.findMany({
    where: { shopId: shop.id, orderId: null, status: "abandoned", abandonedAt: { gte: windowStart, lte: orderCreatedAt }, OR: contact },
    orderBy: { abandonedAt: "desc" },
    take: 10,
  });
  for (const candidate of candidates) {
    if (candidate.recoveryGroup !== null) {
      if (withinGroupWindow(candidate.abandonedAt, orderCreatedAt, shop.attributionWindowDays)) return candidate;
      continue;
    }
    const firstSuccess = await firstSuccessfulDeliveryAt(candidate.id);
    if (withinAttributionWindow(firstSuccess, orderCreatedAt, shop.attributionWindowDays)) return candidate;
  }
  return null;
}

/** The checkout whose recovery code the order used (codes are stored on the checkout before Shopify makes them). */
async function byRecoveryCode(shop: Shop, order: OrderWebhook): Promise<Checkout | null> {
  const codes = (order.discount_codes ?? []).map((d) => d.code.trim().toUpperCase()).filter((code) => code.startsWith(RECOVERY_CODE_PREFIX));
  if (codes.length === 0) return null;
  return prisma.checkout.findFirst({ where: { shopId: shop.id, recoveryCode: { in: codes } } });
}

/** Checkout token first, then our permalink attribute, then our recovery code, then the buyer's phone or email (DESIGN.md). */
async function checkoutForOrder(shop: Shop, order: OrderWebhook, orderCreatedAt: Date): Promise<{ checkout: Checkout; matchType: MatchType } | null> {
  if (order.checkout_token) {
    const checkout = await prisma.checkout.findUnique({ where: { shopId_token: { shopId: shop.id, token: order.checkout_token } } });
    if (checkout) return { checkout, matchType: "checkout_token" };
  }
  const eventId = orderAttribute(order, ATTRIBUTION_ATTRIBUTE);
  if (eventId) {
    const event = await prisma.event.findFirst({ where: { id: eventId, shopId: shop.id }, include: { checkout: true } });
    if (event?.checkout) return { checkout: event.checkout, matchType: "permalink" };
  }
  const coded = await byRecoveryCode(shop, order);
  if (coded) return { checkout: coded, matchType: "discount_code" };
  const checkout = await byContact(shop, order, orderCreatedAt);
  if (!checkout) return null;
  const { email } = orderContacts(order);
  return { checkout, matchType: normalizeEmail(email) && normalizeEmail(email) === checkout.emailNormalized ? "email" : "phone" };
}

/** Tells the endpoints that were sent the abandoned checkout that it was recovered, so BSPs stop their flows. */
async function announceRecovery(tx: Prisma.TransactionClient, shop: Shop, checkout: Checkout, now: Date) {
  const reached = await tx.endpoint.findMany({
    where: {
      shopId: shop.id,
      deliveries: { some: { topic: "abandonedCheckout", event: { checkoutId: checkout.id }, firstSuccessAt: { not: null } } },
    },
  });
  const endpoints = recoveryReceivers(reached);
  const eventId = randomUUID();
  await recordEvent(tx, {
    eventId,
    shopId: shop.id,
    checkoutId: checkout.id,
    topic: "checkoutRecovered",
    payload: buildRecoveredPayload(checkout, shop, { eventId, topic: "checkoutRecovered", createdAt: now }),
    createdAt: now,
    expiresAt: new Date(now.getTime() + shop.eventExpiryHours * HOUR_MS),
    endpoints,
  });
}

/**
 * orders/create: links the order to the checkout it came from; `converted`
 * when it was placed before any delivery succeeded, `recovered` after, with
 * the match type and delay recorded. Idempotent: a checkout keeps the first
 * order linked to it, and an order links to one checkout.
 */
export async function linkOrder(shopDomain: string, order: OrderWebhook, now = new Date()): Promise<Checkout | null> {
  const shop = await findShop(shopDomain);
  if (!shop) return null;
  await recordBuyerOrder(shop, order);
  if (await prisma.checkout.findFirst({ where: { shopId: shop.id, orderId: order.id }, select: { id: true } })) return null;
  const orderCreatedAt = new Date(order.created_at);
  const match = await checkoutForOrder(shop, order, orderCreatedAt);
  if (!match || match.checkout.orderId) return match?.checkout ?? null;
  const { checkout, matchType } = match;

  const outcome = classifyLink(await firstSuccessfulDeliveryAt(checkout.id), orderCreatedAt);
  // The link, the cancellations and the checkoutRecovered event commit together: the
  // webhook's receipt is written after, so a failure anywhere here leaves nothing
  // half-done and Shopify's retry links the order from scratch.
  const linked = await prisma.$transaction(async (tx) => {
    const isLinked = await linkOrderToCheckout(tx, checkout.id, {
      status: outcome.status,
      orderId: order.id,
      orderName: order.name ?? null,
      orderTotal: order.total_price === null || order.total_price === undefined ? null : String(order.total_price),
      // total_price is in the shop's currency; presentment_currency is the buyer's.
      orderCurrency: order.currency?.toUpperCase() ?? null,
      orderCreatedAt,
      matchType,
      recoveryDelayMinutes: outcome.delayMinutes,
      // Its recovery code has done its job (or is moot): the detector's pass deactivates it.
      ...(checkout.recoveryDiscountId && !checkout.recoveryCodeDeactivatedAt ? { recoveryCodeDeactivateDueAt: now } : {}),
    });
    if (!isLinked) return null;
    await cancelForConversion(tx, checkout.id);
    const row = await tx.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    if (outcome.status === "recovered") await announceRecovery(tx, shop, row, now);
    return row;
  });
  if (!linked) return prisma.checkout.findUnique({ where: { id: checkout.id } });
  logger.info({ shop: shop.domain, checkoutId: checkout.id, matchType, status: outcome.status }, "order linked");
  await queueAfterOrder(shop, linked, order.customer?.id === null || order.customer?.id === undefined ? null : String(order.customer.id), now);
  return linked;
}
