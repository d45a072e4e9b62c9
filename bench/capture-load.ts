// The capture load both capture benchmarks send: realistic bodies (two
// lines, address, UTM), three captures per checkout as the extension sends
// while a buyer types (one new, two updates), checkouts spread over many
// shops, one session token per checkout cycled through a pool so the budgets
// per shop (10/s) and per session (3/s) are not what is measured.
import { BROWSER_USER_AGENT, checkoutSessionToken } from "../demo/shopify-double";
import type { Target } from "./lib";

export const BENCH_APP = { apiKey: "bench-api-key", apiSecret: "bench-api-secret" };

export function captureBody(i: number): string {
  // Checkout tokens are unique per phase (startAt differs), shops follow the session token's.
  const checkout = Math.floor(i / 3);
  return JSON.stringify({
    checkoutToken: `bench-${checkout}`,
    occurredAt: new Date().toISOString(),
    email: `buyer${checkout}@example.com`,
    phone: `+91 98${String(10_000_000 + (checkout % 89_999_999)).padStart(8, "0")}`,
    whatsappOptIn: i % 2 === 0,
    emailMarketing: false,
    shippingAddress: { firstName: "Asha", lastName: "Rao", address1: "12 MG Road", city: "Pune", province: "Maharashtra", zip: "411001", countryCode: "IN" },
    lines: [
      {
        variantId: "45515259445425",
        productId: "8181897822385",
        title: "Jordans",
        variantTitle: "UK 9",
        sku: "JOR-9",
        quantity: 2,
        unitPrice: 500,
        linePrice: 1000,
        originalLinePrice: 1000,
      },
      { variantId: "45515259445426", productId: "8181897822386", title: "Socks", quantity: 1, unitPrice: 100, linePrice: 100, originalLinePrice: 100 },
    ],
    currency: "INR",
    subtotal: 1100,
    total: 1100,
    totalDiscount: 0,
    discountCodes: [],
    utm: { source: "instagram", campaign: "diwali" },
    locale: "en-IN",
  });
}

export function captureLoad(shopCount: number) {
  const shops = Array.from({ length: shopCount }, (_, i) => `bench-${i}.myshopify.com`);
  const tokenPool = shopCount * 20;
  let tokens: string[] = [];
  const target: Omit<Target, "origin"> = {
    path: "/api/capture",
    headers: (i) => ({
      "content-type": "application/json",
      "user-agent": BROWSER_USER_AGENT,
      origin: "https://extensions.shopifycdn.com",
      authorization: `Bearer ${tokens[Math.floor(i / 3) % tokenPool]}`,
    }),
    body: (i) => captureBody(i),
  };
  return {
    target,
    /** Shopify's tokens live five minutes, and the app refuses longer ones: minted again before each phase that needs them. */
    mintTokens: async (): Promise<void> => {
      tokens = await Promise.all(Array.from({ length: tokenPool }, (_, c) => checkoutSessionToken(BENCH_APP, shops[c % shopCount], { expiresIn: 300 })));
    },
    /** One capture per shop first: shops are installed before their buyers arrive, and a shop's first capture creates it. */
    primeShops: async (origin: string): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let c = next++; c < shopCount; c = next++) {
            const response = await fetch(`${origin}${target.path}`, {
              method: "POST",
              headers: target.headers(3 * c),
              body: JSON.stringify({ checkoutToken: `prime-${c}` }),
            });
            if (!response.ok) throw new Error(`priming shop ${c}: ${response.status} ${await response.text()}`);
          }
        }),
      );
    },
  };
}
