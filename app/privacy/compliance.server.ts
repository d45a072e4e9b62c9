import type { Prisma } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { normalizeEmail, normalizePhone } from "../contact";
import { redactCheckouts } from "../capture/checkout-state.server";
import { cancelAndRedactDeliveries } from "../delivery/delivery-state.server";
import { forgetBuyerForRecovery } from "../recovery/buyer-orders.server";
import { forgetOptOut, optOutOf } from "../opt-out/opt-outs.server";
import { consentSyncsOf, forgetConsentSyncs } from "../consent/consent-sync.server";
import { eraseRedactedFromDisk } from "./erase-from-disk.server";

export const customerPayloadSchema = z.object({
  shop_domain: z.string(),
  customer: z.object({
    id: z.union([z.number(), z.string()]).nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
  }),
  orders_to_redact: z.array(z.union([z.number(), z.string()])).nullish(),
  orders_requested: z.array(z.union([z.number(), z.string()])).nullish(),
  data_request: z.object({ id: z.union([z.number(), z.string()]) }).nullish(),
});
export type CustomerPayload = z.infer<typeof customerPayloadSchema>;

const customerIdOf = (payload: CustomerPayload) =>
  payload.customer.id === null || payload.customer.id === undefined ? null : String(payload.customer.id).replace(/^gid:\/\/shopify\/Customer\//, "");

async function customerCheckouts(shopDomain: string, payload: CustomerPayload) {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop) return { shop: null, checkouts: [] };
  const email = normalizeEmail(payload.customer.email ?? null);
  const phone = normalizePhone(payload.customer.phone ?? null, shop.countryCode ?? undefined);
  const orderIds = [...(payload.orders_to_redact ?? []), ...(payload.orders_requested ?? [])].map(String);
  const or = [
    ...(email ? [{ emailNormalized: email }] : []),
    ...(phone ? [{ phoneE164: phone }] : []),
    ...(orderIds.length > 0 ? [{ orderId: { in: orderIds } }] : []),
    ...(customerIdOf(payload) ? [{ customerId: customerIdOf(payload) }] : []),
  ];
  if (or.length === 0) return { shop, checkouts: [] };
  const checkouts = await prisma.checkout.findMany({
    where: { shopId: shop.id, OR: or },
    include: { events: { include: { deliveries: { include: { endpoint: { select: { name: true } } } } } } },
    orderBy: { createdAt: "asc" },
  });
  return { shop, checkouts };
}

/** customers/redact: removes the customer's PII from checkouts, event bodies and response excerpts. */
export async function redactCustomer(shopDomain: string, payload: CustomerPayload): Promise<number> {
  const { shop, checkouts } = await customerCheckouts(shopDomain, payload);
  if (!shop) return 0;
  const checkoutIds = checkouts.map((c) => c.id);
  const eventIds = checkouts.flatMap((c) => c.events.map((e) => e.id));
  const email = normalizeEmail(payload.customer.email ?? null);
  const phone = normalizePhone(payload.customer.phone ?? null, shop.countryCode ?? undefined);
  const orderIds = (payload.orders_to_redact ?? []).map(String);
  const forget = [
    ...forgetBuyerForRecovery(shop.id, { email, phone, orderIds, checkoutIds }, new Date()),
    ...forgetOptOut(shop.id, phone),
    ...forgetConsentSyncs(shop.id, { checkoutIds, phoneE164: phone, customerId: customerIdOf(payload) }),
  ];
  if (checkouts.length === 0) return (await prisma.$transaction(forget), 0);
  await prisma.$transaction([
    ...forget,
    redactCheckouts(prisma, checkoutIds),
    prisma.event.updateMany({ where: { id: { in: eventIds } }, data: { payload: '{"redacted":true}' } }),
    ...cancelAndRedactDeliveries(prisma, eventIds),
    prisma.attempt.updateMany({ where: { delivery: { eventId: { in: eventIds } } }, data: { responseExcerpt: null } }),
    prisma.dataRequest.deleteMany({
      where: {
        shopId: shop.id,
        OR: [...(email ? [{ customerEmail: email }] : []), ...(payload.customer.phone ? [{ customerPhone: payload.customer.phone }] : [])],
      },
    }),
  ]);
  await eraseRedactedFromDisk();
  return checkouts.length;
}

/** The report as JSON stores it: dates become ISO text. */
const asJson = (report: object) => JSON.parse(JSON.stringify(report)) as Prisma.InputJsonObject;

/** customers/data_request: compiles what we hold for the customer into a readable stored report. */
export async function answerDataRequest(shopDomain: string, payload: CustomerPayload) {
  const { shop, checkouts } = await customerCheckouts(shopDomain, payload);
  if (!shop) return null;
  const phoneE164 = normalizePhone(payload.customer.phone ?? null, shop.countryCode ?? undefined);
  const optOut = await optOutOf(shop.id, phoneE164);
  const whatsAppConsentWithShopify = await consentSyncsOf(shop.id, { checkoutIds: checkouts.map((c) => c.id), phoneE164, customerId: customerIdOf(payload) });
  const report = {
    shop: shopDomain,
    customer: { email: payload.customer.email ?? null, phone: payload.customer.phone ?? null },
    compiledAt: new Date().toISOString(),
    checkouts: checkouts.map(({ events, fieldSources: _provenance, ...checkout }) => ({
      ...checkout,
      subtotal: checkout.subtotal?.toString() ?? null,
      total: checkout.total?.toString() ?? null,
      totalDiscount: checkout.totalDiscount?.toString() ?? null,
      orderTotal: checkout.orderTotal?.toString() ?? null,
      sentTo: events.flatMap((event) => event.deliveries.map((d) => ({ topic: event.topic, endpoint: d.endpoint.name, status: d.status, at: d.createdAt }))),
    })),
    optOut,
    // Each checkout above holds its consent evidence (whatsappOptInText, -Locale, -At, -Source); these are its exchanges with Shopify.
    whatsAppConsentWithShopify,
  };
  const requestId = String(payload.data_request?.id ?? `${payload.customer.id ?? "unknown"}-${Date.now()}`);
  return prisma.dataRequest.upsert({
    where: { shopId_requestId: { shopId: shop.id, requestId } },
    create: {
      shopId: shop.id,
      requestId,
      customerEmail: normalizeEmail(payload.customer.email ?? null),
      customerPhone: payload.customer.phone ?? null,
      report: asJson(report),
    },
    update: { report: asJson(report) },
  });
}

/**
 * shop/redact: deletes every row of the shop (cascades from Shop), its
 * sessions and its earlier webhook receipts. Shopify sends it 48 hours after
 * app/uninstalled, so it acts only for a shop that is uninstalled; for an
 * installed (or reinstalled) shop it changes nothing. Idempotent: once the
 * shop is gone there is nothing left to delete.
 */
export async function redactShop(shopDomain: string): Promise<"redacted" | "installed" | "unknown"> {
  const outcome = await prisma.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, uninstalledAt: true } });
    if (!shop) return "unknown";
    if (!shop.uninstalledAt) return "installed";
    await tx.shop.delete({ where: { id: shop.id } });
    await tx.session.deleteMany({ where: { shop: shopDomain } });
    await tx.processedWebhook.deleteMany({ where: { shop: shopDomain } });
    return "redacted" as const;
  });
  if (outcome === "redacted") await eraseRedactedFromDisk();
  return outcome;
}
