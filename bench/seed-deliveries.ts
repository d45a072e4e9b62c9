// Seeding for the delivery benchmarks: events with one delivery each, due at
// chosen moments, written in bulk the way recordEvent writes them, so what is
// measured is the delivery worker and not the detector.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";

/** A realistic cart body, about the size of Cashfree's sample. */
export function cartBody(eventId: string, n: number): string {
  return JSON.stringify({
    eventId,
    topic: "abandonedCheckout",
    createdAt: new Date().toISOString(),
    checkoutToken: `bench-${n}`,
    cartId: n,
    storeUrl: "bench-shop.myshopify.com",
    platform: "shopify",
    cartToken: `cart-${n}`,
    email: `buyer${n}@example.com`,
    phone: "+916000376569",
    currency: "INR",
    abandonedCheckoutUrl: `https://bench-shop.myshopify.com/cart/45515259445425:2?checkout[email]=buyer${n}%40example.com&attributes[_cart_relay]=${eventId}`,
    originalTotalPrice: 1100,
    totalPrice: 1100,
    totalDiscount: 0,
    utmParameters: { utm_source: "", utm_medium: "", utm_campaign: "" },
    lineItems: [
      {
        productId: 8181897822385,
        variantId: 45515259445425,
        title: "Jordans",
        variantTitle: "UK 9",
        sku: "JRD-9",
        quantity: 2,
        price: 500,
        linePrice: 1000,
        imageUrl: "https://cdn.shopify.com/s/files/1/jordans.png",
        detailsUrlStr: "https://bench-shop.myshopify.com/products/jordans",
      },
    ],
    promotions: [],
    discountCode: null,
    marketingConsent: { email: true, sms: null, whatsapp: true },
    customer: {
      email: `buyer${n}@example.com`,
      firstName: "Asha",
      lastName: "Rao",
      shippingAddress: {
        firstName: "Asha",
        lastName: "Rao",
        address1: "12 MG Road",
        address2: "",
        city: "Pune",
        province: "Maharashtra",
        zip: "411001",
        country: "India",
        countryCode: "IN",
        phone: "6000376569",
      },
    },
  });
}

/** `count` events with one delivery each to the shop's endpoint, written in bulk; delivery i due at `dueAt(i)`. Returns the event ids. */
export async function seedDueDeliveries(
  prisma: PrismaClient,
  shopId: string,
  from: number,
  count: number,
  dueAt: (i: number) => Date,
  endpointId?: string,
): Promise<string[]> {
  const endpoint = endpointId ?? (await prisma.endpoint.findFirstOrThrow({ where: { shopId } })).id;
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, k) => ({ eventId: randomUUID(), n: from + start + k, due: dueAt(start + k) }));
    ids.push(...batch.map((row) => row.eventId));
    await prisma.$transaction([
      prisma.event.createMany({
        data: batch.map(({ eventId, n, due }) => ({
          id: eventId,
          shopId,
          topic: "abandonedCheckout",
          payload: cartBody(eventId, n),
          createdAt: due,
          expiresAt: new Date(due.getTime() + 24 * 3_600_000),
        })),
      }),
      prisma.delivery.createMany({
        data: batch.map(({ eventId, n, due }) => ({
          shopId,
          eventId,
          endpointId: endpoint,
          topic: "abandonedCheckout",
          body: cartBody(eventId, n),
          status: "pending",
          nextAttemptAt: due,
          createdAt: due,
        })),
      }),
    ]);
  }
  return ids;
}
