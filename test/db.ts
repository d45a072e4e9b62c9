import prisma from "../app/db.server";

/** Every row of the tables a request could touch, for "nothing changed" assertions. */
export async function snapshot() {
  const [shops, checkouts, events, deliveries, webhooks] = await Promise.all([
    prisma.shop.findMany({ orderBy: { id: "asc" } }),
    prisma.checkout.findMany({ orderBy: { id: "asc" } }),
    prisma.event.findMany({ orderBy: { id: "asc" } }),
    prisma.delivery.findMany({ orderBy: { id: "asc" } }),
    prisma.processedWebhook.findMany({ orderBy: { webhookId: "asc" } }),
  ]);
  return JSON.parse(JSON.stringify({ shops, checkouts, events, deliveries, webhooks }));
}

export function checkoutOf(shop: string, token: string) {
  return prisma.checkout.findFirst({ where: { token, shop: { domain: shop } } });
}
