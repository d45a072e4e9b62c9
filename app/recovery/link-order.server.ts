import type { Checkout } from "@prisma/client";
import prisma from "../db.server";
import { findShop } from "../models/shop.server";
import { classifyLink, type MatchType } from "./attribution";
import type { OrderWebhook } from "./order-payload";

async function firstSuccessfulDeliveryAt(checkoutId: number): Promise<Date | null> {
  const first = await prisma.delivery.findFirst({
    where: { event: { checkoutId, topic: "abandonedCheckout", test: false }, firstSuccessAt: { not: null } },
    orderBy: { firstSuccessAt: "asc" },
    select: { firstSuccessAt: true },
  });
  return first?.firstSuccessAt ?? null;
}

async function checkoutForOrder(shopId: string, order: OrderWebhook): Promise<{ checkout: Checkout; matchType: MatchType } | null> {
  if (!order.checkout_token) return null;
  const checkout = await prisma.checkout.findUnique({ where: { shopId_token: { shopId, token: order.checkout_token } } });
  return checkout ? { checkout, matchType: "checkout_token" } : null;
}

/**
 * orders/create: links the order to the checkout it came from and records
 * whether it converted on its own or was recovered after our message.
 * Idempotent: a checkout keeps the first order linked to it.
 */
export async function linkOrder(shopDomain: string, order: OrderWebhook): Promise<Checkout | null> {
  const shop = await findShop(shopDomain);
  if (!shop) return null;
  const match = await checkoutForOrder(shop.id, order);
  if (!match) return null;
  const { checkout, matchType } = match;
  if (checkout.orderId) return checkout;

  const orderCreatedAt = new Date(order.created_at);
  const outcome = classifyLink(await firstSuccessfulDeliveryAt(checkout.id), orderCreatedAt);
  await prisma.checkout.updateMany({
    where: { id: checkout.id, orderId: null },
    data: {
      status: outcome.status,
      orderId: order.id,
      orderName: order.name ?? null,
      orderTotal: order.total_price === null || order.total_price === undefined ? null : String(order.total_price),
      orderCurrency: (order.presentment_currency ?? order.currency)?.toUpperCase() ?? null,
      orderCreatedAt,
      matchType,
      recoveryDelayMinutes: outcome.delayMinutes,
      abandonDueAt: null,
    },
  });
  return prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
}
