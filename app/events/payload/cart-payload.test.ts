import { readFileSync } from "node:fs";
import type { Checkout, Shop } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { beforeAll, describe, expect, it } from "vitest";
import { checkoutWebhookPayload } from "../../../test/fixtures";
import { captureBodySchema } from "../../capture/capture-body";
import { captureObservation } from "../../capture/observations";
import prisma from "../../db.server";
import { recordObservation } from "../../capture/checkout.server";
import { ensureShop } from "../../shops/shop.server";
import { checkoutWebhookObservation, checkoutWebhookSchema } from "../../webhooks/checkout-payload";
import {
  ATTRIBUTION_ATTRIBUTE,
  buildCartPayload,
  buildIntegrationStatusPayload,
  buildRecoveredPayload,
  buildTestPayload,
  resumeCheckoutUrl,
  type PayloadContext,
} from "./cart-payload";

// The sample BSPs already parse, read from the seed document at test time.
// A copy of ../shared/seeds/002_194ebd9d57215064.txt, so a clone without ../shared still checks conformance.
const SEED = new URL("../../../test/fixtures/cashfree-occ-abandoned-cart-sample.txt", import.meta.url);

/** The text from the first `{` to its matching `}`, skipping braces inside strings. */
function firstJsonObject(text: string): string {
  const start = text.indexOf("{");
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error("no complete JSON object in the seed document");
}

const sample = JSON.parse(firstJsonObject(readFileSync(SEED, "utf8"))) as Record<string, unknown>;

type JsonType = "null" | "string" | "number" | "boolean" | "array" | "object";
const jsonType = (value: unknown): JsonType =>
  value === null ? "null" : Array.isArray(value) ? "array" : (typeof value as "string" | "number" | "boolean" | "object");

/** Every key path of a JSON value with the types seen there; `[]` stands for every element of an array. */
function keyPaths(value: unknown, prefix = "", into = new Map<string, Set<JsonType>>()) {
  if (prefix) into.set(prefix, (into.get(prefix) ?? new Set()).add(jsonType(value)));
  if (Array.isArray(value)) for (const element of value) keyPaths(element, `${prefix}[]`, into);
  else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) keyPaths(child, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}

const MISSING = Symbol("missing");

/** The values at a key path, one per array element along the way; MISSING where a key is absent. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of path.split(/\.|(?=\[\])/)) {
    current = current.flatMap((node): unknown[] => {
      if (node === MISSING) return [MISSING];
      if (segment === "[]") return Array.isArray(node) ? node : [MISSING];
      if (node === null || typeof node !== "object" || !(segment in node)) return [MISSING];
      return [(node as Record<string, unknown>)[segment]];
    });
  }
  return current;
}

/** Problems with `payload` against the sample: missing key paths and JSON type changes. A null in the sample is "any". */
function conformanceProblems(payload: unknown, { allowNull = false } = {}): string[] {
  const problems: string[] = [];
  for (const [path, types] of keyPaths(sample)) {
    const values = valuesAt(payload, path);
    if (values.length === 0 && path.includes("[]")) continue;
    for (const value of values) {
      if (value === MISSING) problems.push(`${path} is missing`);
      else if (!types.has("null") && !types.has(jsonType(value)) && !(allowNull && value === null)) {
        problems.push(`${path} is ${jsonType(value)}, the sample has ${[...types].join("|")}`);
      }
    }
  }
  return [...new Set(problems)];
}

const createdAt = new Date("2026-11-25T05:00:00.000Z");
const context: PayloadContext = { eventId: "evt_0123456789", topic: "abandonedCheckout", createdAt };

// A Plus buyer's checkout as the extension captures it, stored through the real model.
const extensionCapture = {
  checkoutToken: "ext-checkout-token",
  occurredAt: "2026-11-25T04:50:00.000Z",
  email: "Darpan.Deka@Example.com",
  phone: "06000376569",
  whatsappOptIn: true,
  emailMarketing: false,
  shippingAddress: {
    firstName: "Darpan",
    lastName: "Deka",
    address1: "Rangia, Murara",
    city: "Rangia",
    province: "Assam",
    provinceCode: "AS",
    zip: "781354",
    country: "India",
    countryCode: "IN",
    phone: "06000376569",
  },
  lines: [
    {
      variantId: "gid://shopify/ProductVariant/45515259445425",
      productId: "gid://shopify/Product/8181897822385",
      title: "Jordans",
      variantTitle: "Black",
      sku: "JRD-BLK",
      quantity: 2,
      imageUrl: "https://cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645",
      unitPrice: 500,
      linePrice: 1000,
      discounts: [{ title: "SHOE_AUTOMATIC", type: "automatic", amount: 200 }],
    },
    {
      variantId: "45538243870897",
      productId: "8352793428145",
      title: "bundle 2",
      variantTitle: "Black / L / Mock",
      quantity: 1,
      unitPrice: 1000,
      linePrice: 1000,
      discounts: [],
    },
  ],
  currency: "INR",
  subtotal: 1800,
  total: 1800,
  totalDiscount: 200,
  discountCodes: ["SHOE_AUTOMATIC"],
  utm: { utm_source: "instagram", utm_campaign: "diwali", gclid: "g-1" },
};

let shop: Shop;
let extensionCheckout: Checkout;
let webhookCheckout: Checkout;
let nearEmpty: Checkout;

beforeAll(async () => {
  await ensureShop("test-mihir-1.myshopify.com");
  shop = await prisma.shop.update({ where: { domain: "test-mihir-1.myshopify.com" }, data: { currency: "INR", countryCode: "IN" } });
  extensionCheckout = await recordObservation(
    shop,
    extensionCapture.checkoutToken,
    captureObservation("extension", captureBodySchema.parse(extensionCapture), createdAt),
  );
  webhookCheckout = await recordObservation(
    shop,
    "c1-checkout-token",
    checkoutWebhookObservation(checkoutWebhookSchema.parse(checkoutWebhookPayload()), createdAt),
  );
  nearEmpty = await recordObservation(
    shop,
    "near-empty-token",
    captureObservation("extension", captureBodySchema.parse({ checkoutToken: "near-empty-token", phone: "6000376569" }), createdAt),
  );
});

describe("payload conformance with the seed sample", () => {
  it("reads a sample with the fields DESIGN.md names", () => {
    expect(Object.keys(sample)).toEqual(
      expect.arrayContaining(["cartId", "storeUrl", "cartToken", "email", "phone", "abandonedCheckoutUrl", "lineItems", "promotions", "customer"]),
    );
    expect(keyPaths(sample).size).toBeGreaterThan(40);
  });

  it("has every key path of the sample with the same JSON type (extension capture)", () => {
    expect(conformanceProblems(buildCartPayload(extensionCheckout, shop, context))).toEqual([]);
  });

  it("has every key path of the sample with the same JSON type (Shopify checkout webhook)", () => {
    expect(conformanceProblems(buildCartPayload(webhookCheckout, shop, context))).toEqual([]);
  });

  it("keeps the shape for checkoutRecovered and test bodies", () => {
    const recovered = { ...extensionCheckout, orderId: "5678901234", orderName: "#1001", orderTotal: new Prisma.Decimal("1800.00") };
    expect(conformanceProblems(buildRecoveredPayload(recovered, shop, { ...context, topic: "checkoutRecovered" }))).toEqual([]);
    expect(conformanceProblems(buildTestPayload(shop, { ...context, topic: "test" }))).toEqual([]);
  });

  it("never drops a key for a near-empty checkout; unknown numbers are null", () => {
    expect(conformanceProblems(buildCartPayload(nearEmpty, shop, context), { allowNull: true })).toEqual([]);
  });

  it("catches a missing key and a changed type (the check itself can fail)", () => {
    const payload = buildCartPayload(extensionCheckout, shop, context) as unknown as Record<string, unknown>;
    const broken = JSON.parse(JSON.stringify(payload));
    delete broken.customer.shippingAddress.zip;
    broken.cartId = String(broken.cartId);
    broken.lineItems[1].quantity = "1";
    expect(conformanceProblems(broken)).toEqual([
      "cartId is string, the sample has number",
      "lineItems[].quantity is string, the sample has number",
      "customer.shippingAddress.zip is missing",
    ]);
  });
});

describe("buildCartPayload", () => {
  it("maps a captured checkout to the sample's fields plus DESIGN.md's additions", () => {
    const payload = buildCartPayload(extensionCheckout, shop, context);
    expect(payload).toEqual({
      cartId: extensionCheckout.id,
      storeUrl: "test-mihir-1.myshopify.com",
      platform: "shopify",
      cartToken: "",
      email: "darpan.deka@example.com",
      phone: "+916000376569",
      abandonedCheckoutUrl: resumeCheckoutUrl(extensionCheckout, shop, context.eventId),
      originalTotalPrice: 2000,
      totalPrice: 1800,
      totalDiscount: 200,
      utmParameters: { fbclid: "", utm_campaign: "diwali", utm_medium: "", utm_content: "", utm_source: "instagram", gclid: "g-1" },
      lineItems: [
        {
          reference: 8181897822385,
          variantId: 45515259445425,
          skuName: "JRD-BLK",
          name: "Jordans - Black",
          description: "",
          detailsUrlStr: "",
          imageUrlStr: "https://cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645",
          imageS3UrlStr: "https://cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645",
          originalPrice: 500,
          discountedPrice: 400,
          currency: "INR",
          quantity: 2,
          discounts: [{ title: "SHOE_AUTOMATIC", description: "", type: "FIXED", value: 200 }],
        },
        {
          reference: 8352793428145,
          variantId: 45538243870897,
          skuName: "",
          name: "bundle 2 - Black / L / Mock",
          description: "",
          detailsUrlStr: "",
          imageUrlStr: "",
          imageS3UrlStr: "",
          originalPrice: 1000,
          discountedPrice: 1000,
          currency: "INR",
          quantity: 1,
          discounts: [],
        },
      ],
      promotions: [{ code: "SHOE_AUTOMATIC", value: 200 }],
      customer: {
        email: "darpan.deka@example.com",
        firstName: "Darpan",
        lastName: "Deka",
        shippingAddress: {
          customerName: "Darpan Deka",
          address1: "Rangia, Murara",
          address2: "",
          city: "Rangia",
          province: "Assam",
          country: "India",
          zip: "781354",
          email: "Darpan.Deka@Example.com",
          phone: "06000376569",
          name: null,
          provinceCode: "AS",
          countryCode: "IN",
        },
      },
      eventId: "evt_0123456789",
      topic: "abandonedCheckout",
      createdAt: "2026-11-25T05:00:00.000Z",
      checkoutToken: "ext-checkout-token",
      currency: "INR",
      marketingConsent: { email: false, sms: null, whatsapp: true },
      discountCode: null,
    });
  });

  it("keeps the sample's key order, then the additions", () => {
    const keys = Object.keys(buildCartPayload(extensionCheckout, shop, context));
    expect(keys.slice(0, Object.keys(sample).length)).toEqual(Object.keys(sample));
    expect(keys.slice(Object.keys(sample).length)).toEqual(["eventId", "topic", "createdAt", "checkoutToken", "currency", "marketingConsent", "discountCode"]);
  });

  it("uses Shopify's recovery URL and cart token from the checkout webhook", () => {
    const payload = buildCartPayload(webhookCheckout, shop, context);
    expect(payload.abandonedCheckoutUrl).toBe("https://www.checkout-shop.example/81234/checkouts/ac/c1-checkout-token/recover?key=abc");
    expect(payload.cartToken).toBe("Z2NwLWFzaWEtc291dGhlYXN0MTowMUpXRVgy");
    expect(payload.customer.shippingAddress.phone).toBe("+91 6000376569");
    expect(payload.phone).toBe("+916000376569");
    expect(payload.marketingConsent).toEqual({ email: true, sms: false, whatsapp: null });
  });

  it("fills the near-empty checkout with the sample's empty conventions", () => {
    expect(buildCartPayload(nearEmpty, shop, context)).toEqual({
      cartId: nearEmpty.id,
      storeUrl: "test-mihir-1.myshopify.com",
      platform: "shopify",
      cartToken: "",
      email: "",
      phone: "+916000376569",
      abandonedCheckoutUrl:
        "https://test-mihir-1.myshopify.com/cart?checkout%5Bshipping_address%5D%5Bphone%5D=%2B916000376569&attributes%5B_cart_relay%5D=evt_0123456789",
      originalTotalPrice: null,
      totalPrice: null,
      totalDiscount: 0,
      utmParameters: { fbclid: "", utm_campaign: "", utm_medium: "", utm_content: "", utm_source: "" },
      lineItems: [],
      promotions: [],
      customer: {
        email: "",
        firstName: "",
        lastName: "",
        shippingAddress: {
          customerName: "",
          address1: "",
          address2: "",
          city: "",
          province: "",
          country: "",
          zip: "",
          email: "",
          phone: "6000376569",
          name: null,
          provinceCode: "",
          countryCode: "",
        },
      },
      eventId: "evt_0123456789",
      topic: "abandonedCheckout",
      createdAt: "2026-11-25T05:00:00.000Z",
      checkoutToken: "near-empty-token",
      currency: "INR",
      marketingConsent: { email: null, sms: null, whatsapp: null },
      discountCode: null,
    });
  });

  it.each([
    ["unit price and a discount", { unitPrice: 500, quantity: 2, discounts: [{ amount: 200 }] }, { originalPrice: 500, discountedPrice: 400 }],
    ["only a line price", { linePrice: 1000, quantity: 4 }, { originalPrice: 250, discountedPrice: 250 }],
    ["no price at all", { quantity: 1 }, { originalPrice: null, discountedPrice: null }],
    ["a discount larger than the line", { unitPrice: 100, quantity: 1, discounts: [{ amount: 150 }] }, { originalPrice: 100, discountedPrice: 0 }],
    ["cents that add up in binary", { unitPrice: 0.1, quantity: 3, discounts: [{ amount: 0.2 }] }, { originalPrice: 0.1, discountedPrice: 0.0333 }],
    ["Shopify's Default Title", { title: "Gift card", variantTitle: "Default Title", quantity: 1 }, { name: "Gift card" }],
    ["a title already naming the variant", { title: "Jordans - Black", variantTitle: "Black", quantity: 1 }, { name: "Jordans - Black" }],
    ["only a variant title", { variantTitle: "Large", quantity: 1 }, { name: "Large" }],
    ["a variant id beyond JSON's safe integers", { variantId: "90071992547409930", quantity: 1 }, { variantId: null }],
    ["a string quantity from an older build", { quantity: "3" }, { quantity: 3 }],
  ])("derives line fields from %s", (_case, line, expected) => {
    const checkout = { ...nearEmpty, lines: [line] } as Checkout;
    expect(buildCartPayload(checkout, shop, context).lineItems[0]).toMatchObject(expected);
  });

  it.each([
    [
      "allocations grouped by code",
      [
        { code: "A", amount: 10 },
        { code: "A", amount: 5 },
        { title: "AUTO", amount: 2 },
      ],
      ["A"],
      17,
      [
        { code: "A", value: 15 },
        { code: "AUTO", value: 2 },
      ],
    ],
    ["a code with no allocation gets the cart's discount", [], ["ORDER10"], 120, [{ code: "ORDER10", value: 120 }]],
    [
      "several unallocated codes cannot be split",
      [],
      ["A", "B"],
      50,
      [
        { code: "A", value: 0 },
        { code: "B", value: 0 },
      ],
    ],
  ])("lists promotions: %s", (_case, discounts, codes, totalDiscount, expected) => {
    const checkout = {
      ...nearEmpty,
      lines: [{ variantId: "1", quantity: 1, unitPrice: 100, discounts }],
      discountCodes: codes,
      totalDiscount: new Prisma.Decimal(totalDiscount),
    } as Checkout;
    expect(buildCartPayload(checkout, shop, context).promotions).toEqual(expected);
  });

  it.each([
    ["stored totals win", { subtotal: "900", total: "950", totalDiscount: "100" }, { originalTotalPrice: 1000, totalPrice: 950, totalDiscount: 100 }],
    ["totals computed from lines", {}, { originalTotalPrice: 1000, totalPrice: 900, totalDiscount: 100 }],
  ])("totals: %s", (_case, stored, expected) => {
    const decimals = Object.fromEntries(Object.entries(stored).map(([key, value]) => [key, new Prisma.Decimal(value)]));
    const checkout = { ...nearEmpty, lines: [{ variantId: "1", quantity: 2, unitPrice: 500, discounts: [{ amount: 100 }] }], ...decimals } as Checkout;
    expect(buildCartPayload(checkout, shop, context)).toMatchObject(expected);
  });

  it("falls back to the shop's currency", () => {
    expect(buildCartPayload({ ...nearEmpty, currency: null }, { ...shop, currency: "EUR" }, context).currency).toBe("EUR");
  });

  it.each<[string, Partial<Checkout>, string]>([
    ["a captured name is kept", { country: "Bharat", countryCode: "IN", locale: "fr" }, "Bharat"],
    ["only the code: English", { country: null, countryCode: "IN", locale: null }, "India"],
    ["only the code: the buyer's checkout language", { country: null, countryCode: "IN", locale: "fr-FR" }, "Inde"],
    ["neither", { country: null, countryCode: null, locale: "en" }, ""],
  ])("country: %s", (_case, address, country) => {
    expect(buildCartPayload({ ...nearEmpty, ...address }, shop, context).customer.shippingAddress.country).toBe(country);
  });

  it("links each line to its product page when the handle is known", () => {
    const lines = [
      { variantId: "1", quantity: 1, productHandle: "jordans" },
      { variantId: "2", quantity: 1, productHandle: "kurta-स" },
      { variantId: "3", quantity: 1 },
    ];
    expect(buildCartPayload({ ...nearEmpty, lines }, shop, context).lineItems.map((item) => item.detailsUrlStr)).toEqual([
      "https://test-mihir-1.myshopify.com/products/jordans",
      "https://test-mihir-1.myshopify.com/products/kurta-%E0%A4%B8",
      "",
    ]);
  });
});

describe("resumeCheckoutUrl", () => {
  const base = () => ({ ...nearEmpty, phone: null, phoneE164: null, addressPhone: null });
  const cases: [string, Partial<Checkout>, string][] = [
    [
      "Shopify's recovery URL, verbatim, when a trusted source gave one",
      { recoveryUrl: "https://shop.example/81234/checkouts/ac/tok/recover?key=abc", lines: [{ variantId: "1", quantity: 1 }] },
      "https://shop.example/81234/checkouts/ac/tok/recover?key=abc",
    ],
    [
      "variants and quantities in the path",
      {
        lines: [
          { variantId: "45515259445425", quantity: 2 },
          { variantId: "45538243870897", quantity: 1 },
        ],
      },
      "https://test-mihir-1.myshopify.com/cart/45515259445425:2,45538243870897:1?attributes%5B_cart_relay%5D=evt_1",
    ],
    [
      "lines without a variant or with no quantity skipped, gids reduced, repeats merged",
      {
        lines: [
          { title: "custom item", quantity: 1 },
          { variantId: "gid://shopify/ProductVariant/11", quantity: 1 },
          { variantId: "22", quantity: 0 },
          { variantId: "11", quantity: 2 },
        ],
      },
      "https://test-mihir-1.myshopify.com/cart/11:3?attributes%5B_cart_relay%5D=evt_1",
    ],
    [
      "contact, address and discount codes, encoded",
      {
        lines: [{ variantId: "11", quantity: 1 }],
        email: "A+B@Example.com",
        emailNormalized: "a+b@example.com",
        firstName: "Zoë",
        lastName: "D'Souza",
        address1: "12 Park St & Main",
        address2: "Flat #4",
        city: "Kolkata",
        province: "West Bengal",
        provinceCode: "WB",
        country: "India",
        countryCode: "IN",
        zip: "700016",
        phoneE164: "+919876543210",
        discountCodes: ["SAVE10", "FREE SHIP"],
      },
      "https://test-mihir-1.myshopify.com/cart/11:1" +
        "?checkout%5Bemail%5D=a%2Bb%40example.com" +
        "&checkout%5Bshipping_address%5D%5Bfirst_name%5D=Zo%C3%AB" +
        "&checkout%5Bshipping_address%5D%5Blast_name%5D=D'Souza" +
        "&checkout%5Bshipping_address%5D%5Baddress1%5D=12%20Park%20St%20%26%20Main" +
        "&checkout%5Bshipping_address%5D%5Baddress2%5D=Flat%20%234" +
        "&checkout%5Bshipping_address%5D%5Bcity%5D=Kolkata" +
        "&checkout%5Bshipping_address%5D%5Bprovince%5D=WB" +
        "&checkout%5Bshipping_address%5D%5Bcountry%5D=IN" +
        "&checkout%5Bshipping_address%5D%5Bzip%5D=700016" +
        "&checkout%5Bshipping_address%5D%5Bphone%5D=%2B919876543210" +
        "&discount=SAVE10%2CFREE%20SHIP" +
        "&attributes%5B_cart_relay%5D=evt_1",
    ],
    [
      "an email that did not normalise is still pre-filled as typed",
      { email: " not-quite-an-email ", emailNormalized: null },
      "https://test-mihir-1.myshopify.com/cart?checkout%5Bemail%5D=not-quite-an-email&attributes%5B_cart_relay%5D=evt_1",
    ],
    ["no lines: the cart page, still attributed", { lines: null }, "https://test-mihir-1.myshopify.com/cart?attributes%5B_cart_relay%5D=evt_1"],
  ];

  it.each(cases)("%s", (_case, overrides, expected) => {
    expect(resumeCheckoutUrl({ ...base(), ...overrides }, shop, "evt_1")).toBe(expected);
  });

  it("decodes back to the values Shopify's cart permalink reads", () => {
    const url = new URL(resumeCheckoutUrl({ ...base(), ...cases[3][1] }, shop, "evt_1"));
    expect(url.pathname).toBe("/cart/11:1");
    expect(url.searchParams.get("checkout[email]")).toBe("a+b@example.com");
    expect(url.searchParams.get("checkout[shipping_address][address1]")).toBe("12 Park St & Main");
    expect(url.searchParams.get("checkout[shipping_address][first_name]")).toBe("Zoë");
    expect(url.searchParams.get("discount")).toBe("SAVE10,FREE SHIP");
    expect(url.searchParams.get(`attributes[${ATTRIBUTION_ATTRIBUTE}]`)).toBe("evt_1");
  });
});

describe("buildRecoveredPayload", () => {
  it("adds the order and how it was matched", () => {
    const checkout: Checkout = {
      ...extensionCheckout,
      orderId: "820982911946154508",
      orderName: "#1001",
      orderTotal: new Prisma.Decimal("1800.00"),
      orderCurrency: "INR",
      orderCreatedAt: new Date("2026-11-25T05:30:00.000Z"),
      matchType: "permalink",
      recoveryDelayMinutes: 25,
    };
    const payload = buildRecoveredPayload(checkout, shop, { ...context, topic: "checkoutRecovered" });
    expect(payload.order).toEqual({ id: "820982911946154508", name: "#1001", totalPrice: 1800, currency: "INR", createdAt: "2026-11-25T05:30:00.000Z" });
    expect(payload.recovery).toEqual({ matchType: "permalink", delayMinutes: 25 });
    expect(payload.topic).toBe("checkoutRecovered");
    expect(payload.cartId).toBe(extensionCheckout.id);
  });

  it("reports unknown order fields as null", () => {
    const payload = buildRecoveredPayload(extensionCheckout, shop, { ...context, topic: "checkoutRecovered" });
    expect(payload.order).toEqual({ id: null, name: null, totalPrice: null, currency: null, createdAt: null });
    expect(payload.recovery).toEqual({ matchType: null, delayMinutes: null });
  });
});

describe("buildIntegrationStatusPayload", () => {
  it("has the {data, event_time, type, version} shape of Cashfree's partner webhooks", () => {
    const payload = buildIntegrationStatusPayload({
      storeUrl: "test-mihir-1.myshopify.com",
      endpointId: "ep_1",
      status: "disabled",
      reason: "endpoint answered 410 Gone",
      at: new Date("2026-11-25T05:00:00.000Z"),
    });
    expect(payload).toEqual({
      data: { storeUrl: "test-mihir-1.myshopify.com", endpointId: "ep_1", status: "disabled", reason: "endpoint answered 410 Gone" },
      event_time: "2026-11-25T05:00:00.000Z",
      type: "INTEGRATION_STATUS",
      version: 1,
    });
    expect(Object.keys(payload)).toEqual(["data", "event_time", "type", "version"]);
  });
});

describe("buildTestPayload", () => {
  const payload = () => buildTestPayload(shop, { eventId: "evt_test", topic: "test", createdAt });

  it("is a realistic cart marked test: true", () => {
    const body = payload();
    expect(body.test).toBe(true);
    expect(body.topic).toBe("test");
    expect(body.storeUrl).toBe(shop.domain);
    expect(body.currency).toBe("INR");
    expect(body.lineItems).toHaveLength(2);
    expect(body.lineItems.some((item) => item.discounts.length > 0)).toBe(true);
    // The sample shop generates recovery codes: 10 % of the original 4,097.
    expect(body.promotions).toEqual([
      { code: "WELCOME10", value: 259.8 },
      { code: "CR-7K3M9Q2XWD", value: 409.7 },
    ]);
    expect(body.discountCode).toEqual({
      code: "CR-7K3M9Q2XWD",
      type: "percentage",
      value: "10",
      endsAt: new Date(createdAt.getTime() + 48 * 3_600_000).toISOString(),
    });
    expect(body.abandonedCheckoutUrl).toContain("discount=WELCOME10%2CCR-7K3M9Q2XWD");
    expect(body.phone).toMatch(/^\+\d{8,15}$/);
    expect(body.email).toMatch(/@example\.com$/);
    expect(body.abandonedCheckoutUrl).toContain(`https://${shop.domain}/cart/`);
    expect(body.abandonedCheckoutUrl).toContain("attributes%5B_cart_relay%5D=evt_test");
  });

  it("adds up: total = original total - discount", () => {
    const body = payload();
    expect(body.originalTotalPrice).toBe(2 * 1299 + 1499);
    expect(body.totalPrice).toBe(body.originalTotalPrice! - body.totalDiscount);
  });
});
