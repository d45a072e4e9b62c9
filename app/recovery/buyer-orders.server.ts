import type { Shop } from "@prisma/client";
import prisma from "../db.server";
import { normalizeEmail, normalizePhone } from "../contact";
import { orderContacts, type OrderWebhook } from "./order-payload";

/**
 * Every order the shop receives, linked to a checkout or not, keyed by the
 * buyer's normalised phone and email: the send guard's "bought recently"
 * rule reads these. One row per order (a redelivered webhook changes nothing).
 */
export async function recordBuyerOrder(shop: Shop, order: OrderWebhook): Promise<void> {
  const { email, phones } = orderContacts(order);
  const phoneE164 = phones.map((phone) => normalizePhone(phone, shop.countryCode)).find((p): p is string => p !== null) ?? null;
  const emailNormalized = normalizeEmail(email);
  const data = { emailNormalized, phoneE164, orderCreatedAt: new Date(order.created_at) };
  await prisma.buyerOrder.upsert({
    where: { shopId_orderId: { shopId: shop.id, orderId: order.id } },
    create: { shopId: shop.id, orderId: order.id, ...data },
    update: {},
  });
}

/** customers/redact: the customer's orders leave the guard's table, and their checkouts' codes are ended. */
export function forgetBuyerForRecovery(
  shopId: string,
  buyer: { email: string | null; phone: string | null; orderIds: string[]; checkoutIds: number[] },
  now: Date,
) {
  const or = [
    ...(buyer.email ? [{ emailNormalized: buyer.email }] : []),
    ...(buyer.phone ? [{ phoneE164: buyer.phone }] : []),
    ...(buyer.orderIds.length > 0 ? [{ orderId: { in: buyer.orderIds } }] : []),
  ];
  return [
    ...(or.length > 0 ? [prisma.buyerOrder.deleteMany({ where: { shopId, OR: or } })] : []),
    prisma.checkout.updateMany({
      where: { id: { in: buyer.checkoutIds }, recoveryDiscountId: { not: null }, recoveryCodeDeactivatedAt: null },
      data: { recoveryCodeDeactivateDueAt: now },
    }),
    prisma.checkout.updateMany({ where: { id: { in: buyer.checkoutIds } }, data: { buyerTimeZone: null, buyerTimeZoneSource: null } }),
  ];
}
