import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { ensureShop } from "../app/shops/shop.server";
import { syncShopDetails } from "../app/shops/shop-details-sync.server";

// Plays Shopify's Admin GraphQL API: the answer has the shape Shopify documents for `shop`.
const shopify =
  (body: unknown, status = 200) =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("shop details at install", () => {
  it("stores currency, time zone, country and plan from Shopify", async () => {
    await ensureShop("details.myshopify.com");
    const ok = await syncShopDetails(
      "details.myshopify.com",
      shopify({
        data: {
          shop: { name: "Chai Co", currencyCode: "INR", ianaTimezone: "Asia/Kolkata", plan: { shopifyPlus: false }, billingAddress: { countryCodeV2: "IN" } },
        },
      }),
    );
    expect(ok).toBe(true);
    expect(await prisma.shop.findUniqueOrThrow({ where: { domain: "details.myshopify.com" } })).toMatchObject({
      name: "Chai Co",
      currency: "INR",
      timezone: "Asia/Kolkata",
      countryCode: "IN",
      shopifyPlus: false,
    });
  });

  it("keeps the defaults when Shopify answers with errors or an unexpected shape", async () => {
    await ensureShop("details-bad.myshopify.com");
    expect(await syncShopDetails("details-bad.myshopify.com", shopify({ errors: [{ message: "Access denied" }] }))).toBe(false);
    expect(
      await syncShopDetails("details-bad.myshopify.com", async () => {
        throw new Error("network down");
      }),
    ).toBe(false);
    expect(await prisma.shop.findUniqueOrThrow({ where: { domain: "details-bad.myshopify.com" } })).toMatchObject({
      currency: "USD",
      timezone: "UTC",
      countryCode: null,
      shopifyPlus: null,
    });
  });
});
