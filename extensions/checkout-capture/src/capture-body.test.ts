import { describe, expect, it } from "vitest";
import { captureBodySchema } from "../../../app/capture/capture-body";
import { buildCaptureBody, numericId, readSnapshot, snapshotKey, utmFromAttributes, type CheckoutSnapshot } from "./capture-body";
import { cartLine, fakeCheckout } from "./fake-checkout";

const AT = new Date("2026-11-25T04:30:00.000Z");

function snapshot(overrides: Partial<CheckoutSnapshot> = {}): CheckoutSnapshot {
  return {
    checkoutToken: "c1-checkout-token",
    email: undefined,
    phone: undefined,
    customer: undefined,
    shippingAddress: undefined,
    lines: [],
    subtotal: undefined,
    total: undefined,
    discountCodes: [],
    discountAllocations: [],
    attributes: [],
    language: undefined,
    currency: undefined,
    ...overrides,
  };
}

describe("buildCaptureBody", () => {
  it("turns what the buyer typed into the capture body the server accepts", () => {
    const { api, signals } = fakeCheckout();
    signals.checkoutToken.value = "c1-checkout-token";
    signals.email.value = " buyer@example.com ";
    signals.phone.value = "+91 6000376569";
    signals.shippingAddress.value = {
      firstName: "Darpan",
      lastName: "Deka",
      address1: "Rangia, Murara",
      address2: "",
      city: "Rangia",
      provinceCode: "AS",
      zip: "781354",
      countryCode: "IN",
      phone: "+91 6000376569",
    };
    signals.lines.value = [
      cartLine(),
      cartLine({
        variant: 45538243870897,
        product: 8352793428145,
        quantity: 1,
        merchandise: {
          id: "gid://shopify/ProductVariant/45538243870897",
          title: "bundle 2",
          subtitle: undefined,
          sku: undefined,
          selectedOptions: [
            { name: "Color", value: "Black" },
            { name: "Size", value: "L" },
          ],
          product: { id: "gid://shopify/Product/8352793428145" },
        },
        cost: { totalAmount: { amount: 1000, currencyCode: "INR" } },
        discountAllocations: [],
      }),
    ];
    signals.subtotal.value = { amount: 1800, currencyCode: "INR" };
    signals.total.value = { amount: 1750, currencyCode: "INR" };
    signals.discountCodes.value = [{ code: "WELCOME50" }];
    signals.discountAllocations.value = [{ type: "code", code: "WELCOME50", discountedAmount: { amount: 50, currencyCode: "INR" } }];
    signals.attributes.value = [
      { key: "gift", value: "no" },
      { key: "utm_source", value: "instagram" },
    ];
    signals.language.value = { isoCode: "en-IN" };
    signals.customer.value = { acceptsEmailMarketing: true, acceptsSmsMarketing: false };

    const body = buildCaptureBody(readSnapshot(api), true, AT);
    expect(body).toEqual({
      checkoutToken: "c1-checkout-token",
      occurredAt: "2026-11-25T04:30:00.000Z",
      email: "buyer@example.com",
      phone: "+91 6000376569",
      whatsappOptIn: true,
      emailMarketing: true,
      smsMarketing: false,
      shippingAddress: {
        firstName: "Darpan",
        lastName: "Deka",
        address1: "Rangia, Murara",
        address2: undefined,
        city: "Rangia",
        provinceCode: "AS",
        zip: "781354",
        countryCode: "IN",
        phone: "+91 6000376569",
      },
      lines: [
        {
          variantId: "45515259445425",
          productId: "8181897822385",
          title: "Jordans",
          variantTitle: "Black",
          sku: "JRD-BLK",
          quantity: 2,
          imageUrl: "https://cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645",
          unitPrice: 500,
          linePrice: 800,
          originalLinePrice: 1000,
          discounts: [{ title: "SHOE_AUTOMATIC", type: "automatic", amount: 200 }],
        },
        {
          variantId: "45538243870897",
          productId: "8352793428145",
          title: "bundle 2",
          variantTitle: "Black / L",
          sku: undefined,
          quantity: 1,
          imageUrl: undefined,
          unitPrice: 1000,
          linePrice: 1000,
          originalLinePrice: 1000,
          discounts: [],
        },
      ],
      currency: "INR",
      subtotal: 1800,
      total: 1750,
      totalDiscount: 250,
      discountCodes: ["WELCOME50"],
      attributes: { gift: "no", utm_source: "instagram" },
      utm: { utm_source: "instagram" },
      locale: "en-IN",
    });
    expect(captureBodySchema.safeParse(body).success).toBe(true);
  });

  it.each<[string, Partial<CheckoutSnapshot>, Record<string, unknown>]>([
    ["a ZIP alone", { shippingAddress: { zip: " 560001 " } }, { shippingAddress: expect.objectContaining({ zip: "560001", city: undefined }) }],
    ["an email before any address", { email: "a@example.com" }, { email: "a@example.com", shippingAddress: undefined }],
    ["an address with only blanks", { shippingAddress: { city: "  ", zip: "" } }, { shippingAddress: undefined }],
    [
      "the logged-in customer's email and flags",
      { customer: { email: "known@example.com", acceptsEmailMarketing: false, acceptsSmsMarketing: true } },
      { email: "known@example.com", emailMarketing: false, smsMarketing: true },
    ],
    [
      "typed contact over the account's",
      { email: "typed@example.com", customer: { email: "known@example.com", acceptsEmailMarketing: true, acceptsSmsMarketing: true } },
      { email: "typed@example.com" },
    ],
    ["a currency from the total", { total: { amount: 10, currencyCode: "EUR" }, currency: "INR" }, { currency: "EUR", total: 10 }],
    ["a currency from localization when there is no total", { currency: "USD" }, { currency: "USD" }],
    ["fractions rounded to cents", { total: { amount: 10.005, currencyCode: "USD" } }, { total: 10.01 }],
    [
      "a city longer than the server allows, clipped",
      { shippingAddress: { city: "x".repeat(300) } },
      { shippingAddress: expect.objectContaining({ city: "x".repeat(255) }) },
    ],
    [
      "an invalid country code dropped",
      { shippingAddress: { zip: "1", countryCode: "IND" } },
      { shippingAddress: expect.objectContaining({ countryCode: undefined }) },
    ],
  ])("captures %s", (_case, overrides, expected) => {
    const body = buildCaptureBody(snapshot(overrides), null, AT);
    expect(body).toMatchObject(expected);
    expect(captureBodySchema.safeParse(body).success).toBe(true);
  });

  it("sends nothing before Shopify has given the checkout a token", () => {
    expect(buildCaptureBody(snapshot({ checkoutToken: undefined, email: "a@example.com" }), true, AT)).toBeNull();
    expect(buildCaptureBody(snapshot({ checkoutToken: "  " }), true, AT)).toBeNull();
  });

  it("leaves whatsappOptIn out when the buyer was not shown the checkbox", () => {
    expect(buildCaptureBody(snapshot(), null, AT)).not.toHaveProperty("whatsappOptIn", expect.anything());
    expect(buildCaptureBody(snapshot(), false, AT)!.whatsappOptIn).toBe(false);
  });

  it("sends the text shown beside the checkbox with the answer, and no text without one", () => {
    const text = "Send me order updates and offers on WhatsApp";
    expect(buildCaptureBody(snapshot({ language: "hi-IN" }), true, AT, text)).toMatchObject({ whatsappOptIn: true, whatsappOptInText: text, locale: "hi-IN" });
    expect(buildCaptureBody(snapshot(), false, AT, text)!.whatsappOptInText).toBe(text);
    expect(buildCaptureBody(snapshot(), null, AT, text)!.whatsappOptInText).toBeUndefined();
  });

  it("keeps a huge cart under the server's 64 KB limit and still valid", () => {
    const lines = Array.from({ length: 500 }, (_, i) =>
      cartLine({ variant: 1000 + i, merchandise: { ...cartLine().merchandise, title: `Product ${"é".repeat(400)} ${i}` } }),
    );
    const body = buildCaptureBody(snapshot({ lines, attributes: Array.from({ length: 150 }, (_, i) => ({ key: `k${i}`, value: "v" })) }), true, AT)!;
    const bytes = new TextEncoder().encode(JSON.stringify(body)).length;
    expect(bytes).toBeLessThanOrEqual(60_000);
    expect(body.lines!.length).toBeGreaterThan(0);
    expect(body.lines!.length).toBeLessThan(500);
    expect(Object.keys(body.attributes!)).toHaveLength(100);
    expect(captureBodySchema.safeParse(body).success).toBe(true);
  });
});

describe("numericId", () => {
  it.each([
    ["gid://shopify/ProductVariant/45515259445425", "45515259445425"],
    ["gid://shopify/Product/8181897822385?x=1", "8181897822385"],
    ["123", "123"],
    [undefined, undefined],
  ])("%s -> %s", (gid, expected) => {
    expect(numericId(gid)).toBe(expected);
  });
});

describe("utmFromAttributes", () => {
  it.each<[string, { key: string; value: string }[], Record<string, string> | undefined]>([
    ["none", [{ key: "gift", value: "no" }], undefined],
    [
      "named attributes",
      [
        { key: "UTM_Source", value: "ig" },
        { key: "fbclid", value: "abc" },
      ],
      { utm_source: "ig", fbclid: "abc" },
    ],
    [
      "a landing page URL",
      [{ key: "_landing_page", value: "/products/x?utm_campaign=diwali&utm_medium=social&ref=1" }],
      { utm_campaign: "diwali", utm_medium: "social" },
    ],
    ["a landing page that is not a URL", [{ key: "landing_page", value: "http://[bad" }], undefined],
  ])("%s", (_case, attributes, expected) => {
    expect(utmFromAttributes(attributes)).toEqual(expected);
  });
});

describe("snapshotKey", () => {
  it("ignores the time, so the same input typed again is the same snapshot", () => {
    const first = buildCaptureBody(snapshot({ email: "a@example.com" }), false, AT)!;
    const later = buildCaptureBody(snapshot({ email: "a@example.com" }), false, new Date(AT.getTime() + 60_000))!;
    expect(snapshotKey(later)).toBe(snapshotKey(first));
    expect(snapshotKey(buildCaptureBody(snapshot({ email: "b@example.com" }), false, AT)!)).not.toBe(snapshotKey(first));
  });
});
