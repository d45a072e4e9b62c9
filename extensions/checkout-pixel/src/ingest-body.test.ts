import { describe, expect, it } from "vitest";
import { pixelBodySchema } from "../../../app/pixel/pixel-body";
import { checkoutEvent, pixelCheckout, SHIPPING_ADDRESS } from "./fake-events";
import { imageUrl, ingestBody, numericId, productHandle, SUBSCRIBED_EVENTS, type SubscribedEvent } from "./ingest-body";

const KEY = "px_test-key-0123456789abcdef";

const LINE = {
  variantId: "45515259445425",
  productId: "8181897822385",
  title: "Jordans",
  variantTitle: "Black",
  sku: "JRD-BLK",
  quantity: 2,
  imageUrl: "https://cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645",
  productHandle: "jordans",
  unitPrice: 500,
  linePrice: 800,
  originalLinePrice: 1000,
  discounts: [{ title: "SHOE_AUTOMATIC", code: undefined, type: "automatic", amount: 200 }],
};

const ADDRESS = {
  firstName: "Darpan",
  lastName: "Deka",
  address1: "Rangia, Murara",
  address2: undefined,
  city: "Rangia",
  province: "Assam",
  provinceCode: "AS",
  zip: "781354",
  country: "India",
  countryCode: "IN",
  phone: "+91 6000376569",
};

describe("ingestBody", () => {
  it.each<[SubscribedEvent, Record<string, unknown>]>([
    [
      "checkout_started",
      {
        email: undefined,
        phone: undefined,
        emailMarketing: false,
        shippingAddress: expect.objectContaining({ countryCode: "IN", zip: undefined }),
        total: 800,
      },
    ],
    ["checkout_contact_info_submitted", { email: "buyer@example.com", emailMarketing: true, smsMarketing: false, shippingAddress: undefined }],
    ["checkout_address_info_submitted", { email: "buyer@example.com", shippingAddress: ADDRESS }],
    ["checkout_shipping_info_submitted", { shippingAddress: ADDRESS, total: 850 }],
    ["payment_info_submitted", { phone: "+916000376569", smsMarketing: true, total: 850 }],
    ["checkout_completed", { email: "buyer@example.com", shippingAddress: ADDRESS, total: 850 }],
  ])("maps %s", (name, expected) => {
    const body = ingestBody(checkoutEvent(name), KEY);
    expect(body).toMatchObject({
      pixelKey: KEY,
      event: name,
      eventId: `sh-${name}-1`,
      occurredAt: "2026-11-25T04:30:00.000Z",
      checkout: {
        checkoutToken: "c1-checkout-token",
        occurredAt: "2026-11-25T04:30:00.000Z",
        lines: [LINE],
        currency: "INR",
        subtotal: 1000,
        totalDiscount: 200,
        discountCodes: [],
        attributes: { utm_source: "instagram" },
        utm: { utm_source: "instagram" },
        locale: "en-IN",
        ...expected,
      },
    });
    expect(body!.checkout).not.toHaveProperty("whatsappOptIn");
    const parsed = pixelBodySchema.safeParse(body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it("subscribes to exactly the six checkout steps", () => {
    expect([...SUBSCRIBED_EVENTS]).toEqual([
      "checkout_started",
      "checkout_contact_info_submitted",
      "checkout_address_info_submitted",
      "checkout_shipping_info_submitted",
      "payment_info_submitted",
      "checkout_completed",
    ]);
  });

  it("ignores other events and checkouts without a token", () => {
    expect(ingestBody({ ...checkoutEvent("checkout_started"), name: "page_viewed" }, KEY)).toBeNull();
    expect(ingestBody(checkoutEvent("checkout_started", { token: null }), KEY)).toBeNull();
  });

  it("takes discount codes from the applications, and falls back to the billing address", () => {
    const code = {
      allocationMethod: "ACROSS",
      targetSelection: "ALL",
      targetType: "LINE_ITEM",
      title: "WELCOME50",
      type: "DISCOUNT_CODE",
      value: { amount: 50, currencyCode: "INR" },
    };
    const body = ingestBody(
      checkoutEvent("payment_info_submitted", {
        shippingAddress: null,
        billingAddress: { ...SHIPPING_ADDRESS, city: "Guwahati" },
        discountApplications: [code, code],
        lineItems: [{ ...pixelCheckout().lineItems[0], discountAllocations: [{ amount: { amount: 50, currencyCode: "INR" }, discountApplication: code }] }],
      }),
      KEY,
    )!;
    expect(body.checkout.discountCodes).toEqual(["WELCOME50"]);
    expect(body.checkout.lines![0].discounts).toEqual([{ title: "WELCOME50", code: "WELCOME50", type: "discount_code", amount: 50 }]);
    expect(body.checkout.shippingAddress).toMatchObject({ city: "Guwahati", zip: "781354" });
  });

  it("keeps a huge checkout under the app's 64 KB and still valid", () => {
    const item = pixelCheckout().lineItems[0];
    const lineItems = Array.from({ length: 500 }, (_, i) => ({ ...item, title: `${"ब".repeat(300)} ${i}` }));
    const body = ingestBody(checkoutEvent("checkout_started", { lineItems }), KEY)!;
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThanOrEqual(60_000);
    expect(body.checkout.lines!.length).toBeGreaterThan(0);
    expect(pixelBodySchema.safeParse(body).success).toBe(true);
  });
});

describe("helpers", () => {
  it.each([
    ["//cdn.shopify.com/a.webp", "https://cdn.shopify.com/a.webp"],
    ["https://cdn.shopify.com/a.webp", "https://cdn.shopify.com/a.webp"],
    ["data:image/png;base64,xx", undefined],
    [null, undefined],
  ])("imageUrl(%j) = %j", (src, expected) => {
    expect(imageUrl(src)).toBe(expected);
  });

  it.each([
    ["/products/jordans", "jordans"],
    ["/en-in/products/jordans?variant=45515259445425", "jordans"],
    ["https://shop.example/products/kurta-%E0%A4%B8", "kurta-स"],
    ["/products/bad%ZZ", undefined],
    ["/collections/shoes", undefined],
    [null, undefined],
  ])("productHandle(%j) = %j", (url, expected) => {
    expect(productHandle(url)).toBe(expected);
  });

  it.each([
    ["45515259445425", "45515259445425"],
    ["gid://shopify/ProductVariant/45515259445425", "45515259445425"],
    [null, undefined],
  ])("numericId(%j) = %j", (id, expected) => {
    expect(numericId(id)).toBe(expected);
  });
});
