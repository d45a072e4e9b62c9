import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import prisma from "../app/db.server";
import { closeSqlDatabase } from "../app/db/sql.server";
import { action as captureAction } from "../app/routes/api.capture";
import { syncConsent, setConsentSync } from "../app/consent/consent-sync.server";
import type { AdminGraphql } from "../app/shopify-admin/admin-graphql";
import { linkOrder } from "../app/recovery/link-order.server";
import { orderWebhookSchema } from "../app/recovery/order-payload";
import { unauthenticated } from "../app/shopify.server";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import { answerDataRequest, redactCustomer } from "../app/privacy/compliance.server";
import { action as consentSyncAction, loader as consentSyncLoader } from "../app/routes/app.consent-sync";
import { checkoutWebhookPayload, orderWebhookPayload } from "./fixtures";
import { checkoutWebhookSchema, checkoutWebhookValues } from "../app/webhooks/checkout-payload";
import { action as optOutAction } from "../app/routes/api.opt-out";
import { sealWithAppKey } from "../app/crypto/keyring.server";
import { generateEndpointSecret } from "../app/events/endpoint-secret";
import { cashfreeSignature } from "../app/events/sign";
import { answerOf, type PublicAnswer, type PublicApiRequest } from "../app/http/public-answer";
import { handleOptOut, OPT_OUT_ADDRESS_RATE, OPT_OUT_ENDPOINT_RATE } from "../app/opt-out/opt-out-request.server";
import { APP_URL, BROWSER_USER_AGENT, captureRequest } from "./shopify";
import { shopifyAdminDouble, type ShopifyAdminDouble } from "./shopify-admin-double";
import { shopifyAdminApi } from "../demo/shopify-admin-api";
import { writeWhatsAppConsent } from "../app/consent/whatsapp-consent-api.server";

// Issue 19, item 2 and 3: the buyer's WhatsApp answer and its evidence go to
// Shopify's customer (customerWhatsAppMarketingConsentUpdate) and Shopify's
// own consent comes back, through the app's real admin client and offline
// session against the Admin API double.
await vi.hoisted(async () => {
  const { fetch } = await import("undici");
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
});

afterAll(() => closeSqlDatabase());

const SCOPES = "read_checkouts,read_orders,write_pixels,read_customer_events,write_customers,read_customers";
const OPT_IN_TEXT = "WhatsApp पर ऑर्डर अपडेट और ऑफ़र भेजें";
const CUSTOMER_ID = 6612345678901;
const GID = `gid://shopify/Customer/${CUSTOMER_ID}`;
const noWait = { sleep: async () => {} };
const appClient = async (shopDomain: string): Promise<AdminGraphql> => (await unauthenticated.admin(shopDomain)).admin.graphql;
const options = { adminClient: appClient, client: noWait };

let double: ShopifyAdminDouble | null = null;
afterEach(() => {
  double?.close();
  double = null;
});

async function shopWith(overrides: Partial<Shop> = {}, scopes = SCOPES): Promise<Shop> {
  const domain = `consent-${randomUUID().slice(0, 8)}.myshopify.com`;
  const shop = await installShop(domain, { countryCode: "IN", timezone: "Asia/Kolkata", scopes, consentSyncEnabled: true, ...overrides });
  const session = await prisma.session.findFirstOrThrow({ where: { shop: domain, isOnline: false } });
  const { sessionStorage } = await import("../app/shopify.server");
  const stored = await sessionStorage.loadSession(session.id);
  double = shopifyAdminDouble(domain, { accessToken: stored!.accessToken!, scopes: scopes.split(",") });
  double.addCustomer({ id: CUSTOMER_ID, phone: "+916000376569" });
  return shop;
}

async function capture(shop: Shop, token: string, body: Record<string, unknown>) {
  const response = await captureAction({ request: await captureRequest(shop.domain, { checkoutToken: token, ...body }), params: {}, context: {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function optedInCheckout(shop: Shop, token: string) {
  const occurredAt = new Date(Date.now() - 60_000).toISOString();
  expect((await capture(shop, token, { phone: "06000 376569", whatsappOptIn: true, whatsappOptInText: OPT_IN_TEXT, locale: "hi-IN", occurredAt })).status).toBe(
    200,
  );
  return occurredAt;
}

async function order(shop: Shop, token: string, customerId: number | null = CUSTOMER_ID) {
  const payload = orderWebhookPayload({ id: Math.floor(Math.random() * 1e12), checkout_token: token, customer: { id: customerId, email: null, phone: null } });
  return linkOrder(shop.domain, orderWebhookSchema.parse(payload));
}

describe("consent evidence at capture", () => {
  it("stores the exact opt-in text, its locale, when and through which channel it was collected", async () => {
    const shop = await shopWith();
    const occurredAt = await optedInCheckout(shop, "ev-1");
    const checkout = await prisma.checkout.findUniqueOrThrow({ where: { shopId_token: { shopId: shop.id, token: "ev-1" } } });
    expect(checkout).toMatchObject({
      whatsappOptIn: true,
      whatsappOptInText: OPT_IN_TEXT,
      whatsappOptInLocale: "hi-IN",
      whatsappOptInSource: "checkout_extension",
      customerId: null,
    });
    expect(checkout.whatsappOptInAt?.toISOString()).toBe(occurredAt);
  });

  it("takes the customer id a logged-in buyer's checkout webhook carries", () => {
    const payload = checkoutWebhookPayload({ customer: { id: CUSTOMER_ID, email: "buyer@example.com" } });
    expect(checkoutWebhookValues(checkoutWebhookSchema.parse(payload)).customerId).toBe(String(CUSTOMER_ID));
    expect(checkoutWebhookValues(checkoutWebhookSchema.parse(checkoutWebhookPayload({ customer: null }))).customerId).toBeUndefined();
  });

  it("refuses an opt-in text over 1000 characters with 400 and stores nothing", async () => {
    const shop = await shopWith();
    const refused = await capture(shop, "ev-long", { phone: "+916000376569", whatsappOptIn: true, whatsappOptInText: "x".repeat(1001) });
    expect(refused.status).toBe(400);
    expect(String(refused.body.error)).toContain("whatsappOptInText");
    expect(await prisma.checkout.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("consent write-back", () => {
  it("writes SUBSCRIBED with the collection time once the opted-in buyer orders as a customer, once", async () => {
    const shop = await shopWith();
    const occurredAt = await optedInCheckout(shop, "wb-1");
    await order(shop, "wb-1");
    const checkout = await prisma.checkout.findUniqueOrThrow({ where: { shopId_token: { shopId: shop.id, token: "wb-1" } } });
    expect(checkout.customerId).toBe(String(CUSTOMER_ID));

    expect(await syncConsent(new Date(), options)).toMatchObject({ done: 1 });
    const call = double!.calls.find((c) => c.operation === "customerWhatsAppMarketingConsentUpdate")!;
    expect(call.variables.input).toEqual({
      customerId: GID,
      whatsAppMarketingConsent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: occurredAt },
    });
    expect(double!.customers.get(GID)!.whatsApp).toMatchObject({ state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: occurredAt });
    expect(await prisma.consentSync.findMany({ where: { shopId: shop.id } })).toEqual([
      expect.objectContaining({
        operation: "write",
        state: "SUBSCRIBED",
        status: "done",
        attempts: 1,
        collectedFrom: "checkout_extension",
        shopifyState: "SUBSCRIBED",
      }),
    ]);

    // The same order again and another pass: nothing new is queued or sent.
    await order(shop, "wb-1");
    await syncConsent(new Date(), options);
    expect(double!.calls.filter((c) => c.operation === "customerWhatsAppMarketingConsentUpdate")).toHaveLength(1);
    expect(await prisma.consentSync.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("queues a write-back for a logged-in buyer a checkout webhook named, found by the detector's pass", async () => {
    const shop = await shopWith();
    await optedInCheckout(shop, "wb-logged-in");
    await prisma.checkout.updateMany({ where: { shopId: shop.id, token: "wb-logged-in" }, data: { customerId: String(CUSTOMER_ID) } });
    expect(await syncConsent(new Date(), options)).toMatchObject({ queued: 1, done: 1 });
    expect(double!.customers.get(GID)!.whatsApp.state).toBe("SUBSCRIBED");
  });

  it("retries after Shopify fails, with backoff, and shows the last error meanwhile", async () => {
    const shop = await shopWith();
    await optedInCheckout(shop, "wb-retry");
    await order(shop, "wb-retry");
    double!.fail({ kind: "server_error", status: 503 }, { kind: "rate_limited", retryAfterSeconds: 1 }, { kind: "throttled" }, { kind: "server_error" });
    const now = new Date();
    expect(await syncConsent(now, options)).toMatchObject({ pending: 1 });
    const waiting = await prisma.consentSync.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
    expect(waiting.lastError).toMatch(/^network: Shopify answered HTTP 502/);
    expect(waiting.nextAttemptAt!.getTime()).toBeGreaterThan(now.getTime());

    expect(await syncConsent(now, options)).toMatchObject({ pending: 0, done: 0 });
    expect(await syncConsent(waiting.nextAttemptAt!, options)).toMatchObject({ done: 1 });
    expect(await prisma.consentSync.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ status: "done", attempts: 2, lastError: null });
    expect(double!.customers.get(GID)!.whatsApp.state).toBe("SUBSCRIBED");
  });

  it("records Shopify's userErrors and does not retry them", async () => {
    const shop = await shopWith();
    double!.customers.get(GID)!.phone = null;
    await optedInCheckout(shop, "wb-no-phone");
    await order(shop, "wb-no-phone");
    expect(await syncConsent(new Date(), options)).toMatchObject({ failed: 1 });
    const row = await prisma.consentSync.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row.lastError).toBe(
      "user_error: customerWhatsAppMarketingConsentUpdate failed: input.customerId: Customer must have a phone number to update WhatsApp marketing consent (INVALID)",
    );
    await syncConsent(new Date(Date.now() + 86_400_000), options);
    expect(double!.calls.filter((c) => c.operation === "customerWhatsAppMarketingConsentUpdate")).toHaveLength(1);
  });

  it("says scope_missing and never calls Shopify without write_customers, and tries again once sync is turned on with it", async () => {
    const shop = await shopWith({}, "read_checkouts,read_orders,write_pixels,read_customer_events");
    await optedInCheckout(shop, "wb-scope");
    await order(shop, "wb-scope");
    expect(await syncConsent(new Date(), options)).toMatchObject({ scope_missing: 1 });
    expect(double!.calls).toHaveLength(0);
    expect((await prisma.consentSync.findFirstOrThrow({ where: { shopId: shop.id } })).lastError).toContain("write_customers");

    await prisma.shop.update({ where: { id: shop.id }, data: { scopes: SCOPES } });
    double!.close();
    const session = await prisma.session.findFirstOrThrow({ where: { shop: shop.domain, isOnline: false } });
    const { sessionStorage } = await import("../app/shopify.server");
    double = shopifyAdminDouble(shop.domain, { accessToken: (await sessionStorage.loadSession(session.id))!.accessToken!, scopes: SCOPES.split(",") });
    double.addCustomer({ id: CUSTOMER_ID, phone: "+916000376569" });
    await setConsentSync(shop, true);
    expect(await syncConsent(new Date(), options)).toMatchObject({ done: 1 });
  });

  it("queues nothing and calls nothing while the merchant has sync off", async () => {
    const shop = await shopWith({ consentSyncEnabled: false });
    await optedInCheckout(shop, "wb-off");
    await order(shop, "wb-off");
    await syncConsent(new Date(), options);
    expect(await prisma.consentSync.count({ where: { shopId: shop.id } })).toBe(0);
    expect(double!.calls).toHaveLength(0);
    // The order still names the checkout's customer.
    expect((await prisma.checkout.findFirstOrThrow({ where: { shopId: shop.id } })).customerId).toBe(String(CUSTOMER_ID));
  });

  it("marks a row disabled when the merchant turns sync off before its turn", async () => {
    const shop = await shopWith();
    await optedInCheckout(shop, "wb-turned-off");
    await order(shop, "wb-turned-off");
    await setConsentSync(shop, false);
    expect(await syncConsent(new Date(), options)).toMatchObject({ disabled: 1 });
    expect(double!.calls).toHaveLength(0);
  });
});

describe("consent read-back", () => {
  it("counts a customer who opted in through Shopify as opted in, source shopify", async () => {
    const shop = await shopWith();
    double!.customers.get(GID)!.whatsApp = {
      state: "SUBSCRIBED",
      optInLevel: "CONFIRMED_OPT_IN",
      updatedAt: "2026-10-01T08:00:00.000Z",
      collectedFrom: "SHOPIFY",
    };
    expect((await capture(shop, "rb-1", { phone: "+91 60003 76569", whatsappOptIn: false })).status).toBe(200);
    await order(shop, "rb-1");
    expect(await syncConsent(new Date(), options)).toMatchObject({ done: 1 });
    expect(double!.calls.map((c) => c.operation)).toEqual(["customer"]);
    const checkout = await prisma.checkout.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(checkout).toMatchObject({ whatsappOptIn: true, whatsappOptInSource: "shopify" });
    expect(checkout.whatsappOptInAt?.toISOString()).toBe("2026-10-01T08:00:00.000Z");

    // A later capture that does not answer the checkbox again keeps Shopify's answer.
    expect((await capture(shop, "rb-1", { shippingAddress: { city: "Pune" } })).status).toBe(200);
    expect(await prisma.checkout.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      whatsappOptIn: true,
      whatsappOptInSource: "shopify",
      city: "Pune",
    });
  });

  it("leaves the checkout alone when Shopify holds no consent for the phone", async () => {
    const shop = await shopWith();
    expect((await capture(shop, "rb-none", { phone: "+916000376569" })).status).toBe(200);
    await order(shop, "rb-none");
    expect(await syncConsent(new Date(), options)).toMatchObject({ done: 1 });
    expect(await prisma.consentSync.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ operation: "read", shopifyState: "NOT_SUBSCRIBED" });
    expect(await prisma.checkout.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ whatsappOptIn: null, whatsappOptInSource: null });
  });
});

async function bspEndpoint(shop: Shop) {
  const secret = generateEndpointSecret();
  const endpoint = await prisma.endpoint.create({
    data: { shopId: shop.id, name: "Spur", url: "https://spur.example/hook", topics: ["abandonedCheckout"], secretCiphertext: sealWithAppKey(secret) },
  });
  return { endpoint, secret };
}

async function reportOptOut(shop: Shop, secret: string, phone: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ phone, reason: "stop_reply", optedOutAt: new Date(Date.now() - 5_000).toISOString() });
  const timestamp = String(Date.now());
  const request = new Request(new URL("/api/opt-out", APP_URL), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": BROWSER_USER_AGENT,
      "x-store-url": shop.domain,
      "x-webhook-timestamp": timestamp,
      "x-webhook-signature": cashfreeSignature(secret, timestamp, body),
      ...headers,
    },
    body,
  });
  const response = await optOutAction({ request, params: {}, context: {} });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Record<string, unknown> };
}

describe("BSP opt-out write-back", () => {
  it("writes UNSUBSCRIBED to the customer whose phone a BSP reported, after the subscription, and never re-subscribes", async () => {
    const shop = await shopWith();
    await optedInCheckout(shop, "oo-1");
    await order(shop, "oo-1");
    await syncConsent(new Date(), options);
    expect(double!.customers.get(GID)!.whatsApp.state).toBe("SUBSCRIBED");

    const { secret } = await bspEndpoint(shop);
    expect((await reportOptOut(shop, secret, "+916000376569")).status).toBe(200);
    const queued = await prisma.consentSync.findFirstOrThrow({ where: { shopId: shop.id, state: "UNSUBSCRIBED" } });
    expect(queued).toMatchObject({ operation: "write", status: "pending", collectedFrom: "bsp_opt_out", customerId: String(CUSTOMER_ID) });
    expect(double!.calls.filter((c) => c.operation === "customerWhatsAppMarketingConsentUpdate")).toHaveLength(1);

    expect(await syncConsent(new Date(), options)).toMatchObject({ done: 1 });
    expect(double!.customers.get(GID)!.whatsApp.state).toBe("UNSUBSCRIBED");
    const unsubscribe = double!.calls.filter((c) => c.operation === "customerWhatsAppMarketingConsentUpdate").at(-1)!;
    expect(unsubscribe.variables.input).toEqual({
      customerId: GID,
      whatsAppMarketingConsent: { state: "UNSUBSCRIBED", updatedAt: queued.collectedAt!.toISOString() },
    });

    // A later opted-in checkout of the same buyer is not written back as subscribed.
    await optedInCheckout(shop, "oo-2");
    await order(shop, "oo-2");
    await syncConsent(new Date(), options);
    expect(double!.customers.get(GID)!.whatsApp.state).toBe("UNSUBSCRIBED");
  });

  it("queues nothing for a phone no customer has", async () => {
    const shop = await shopWith();
    const { secret } = await bspEndpoint(shop);
    expect((await reportOptOut(shop, secret, "+919876543210")).status).toBe(200);
    expect(await prisma.consentSync.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("opt-out intake rate limit", () => {
  it("answers 429 with Retry-After once an endpoint is over its rate, storing nothing for the refused report", async () => {
    // One fixed clock for the handler: the bucket does not refill while the loop runs.
    const now = new Date();
    const signed = (shop: Shop, secret: string, phone: string): PublicApiRequest => {
      const body = JSON.stringify({ phone });
      const headers: Record<string, string> = {
        "x-store-url": shop.domain,
        "x-webhook-timestamp": String(now.getTime()),
        "x-webhook-signature": cashfreeSignature(secret, String(now.getTime()), body),
      };
      return { method: "POST", header: (name) => headers[name], socketAddress: null, readBody: async () => body };
    };
    const shop = await shopWith();
    const { secret } = await bspEndpoint(shop);
    for (let i = 0; i < OPT_OUT_ENDPOINT_RATE.capacity; i++) {
      expect((await answerOf(() => handleOptOut(signed(shop, secret, `+9170000${String(i).padStart(5, "0")}`), now))).status).toBe(200);
    }
    const refused = await answerOf(() => handleOptOut(signed(shop, secret, "+917111100000"), now));
    expect(refused).toMatchObject({ status: 429, body: { error: "too many opt-out reports from this endpoint; retry later" } });
    expect(Number(refused.headers!["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(await prisma.optOut.count({ where: { shopId: shop.id } })).toBe(OPT_OUT_ENDPOINT_RATE.capacity);
    expect(await prisma.optOut.count({ where: { shopId: shop.id, phoneE164: "+917111100000" } })).toBe(0);

    // Another shop's endpoint has its own budget.
    const other = await shopWith();
    const { secret: otherSecret } = await bspEndpoint(other);
    expect((await answerOf(() => handleOptOut(signed(other, otherSecret, "+919876543210"), now))).status).toBe(200);
  });

  it("limits one address before any secret is opened", async () => {
    // The handler as the lean path would call it, with the connection's address (a Remix route does not know it).
    const shop = await shopWith();
    const now = new Date();
    const body = JSON.stringify({ phone: "+919876543210" });
    const request = (address: string): PublicApiRequest => ({
      method: "POST",
      header: (name) => ({ "x-store-url": shop.domain, "x-webhook-timestamp": String(now.getTime()), "x-webhook-signature": "AAAA" })[name],
      socketAddress: address,
      readBody: async () => body,
    });
    let refused: PublicAnswer | null = null;
    for (let i = 0; i <= OPT_OUT_ADDRESS_RATE.capacity && !refused; i++) {
      const answer = await answerOf(() => handleOptOut(request("203.0.113.9"), now));
      if (answer.status === 429) refused = answer;
      else expect(answer.status).toBe(401);
    }
    expect(refused).toMatchObject({ status: 429, body: { error: "too many opt-out reports from this address; retry later" } });
    expect(Number(refused!.headers!["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await answerOf(() => handleOptOut(request("203.0.113.10"), now))).status).toBe(401);
  });
});

describe("consent sync in Settings", () => {
  it("is off by default, turned on and off by the merchant, and shows Shopify's answers", async () => {
    const shop = await shopWith({ consentSyncEnabled: false });
    const state = async () => read(await callRoute(consentSyncLoader, { request: await adminRequest(shop.domain, "/app/consent-sync") }));
    expect((await state()).body).toEqual({ enabled: false, granted: { write: true, read: true }, counts: {}, problems: [] });
    const turn = async (enabled: unknown) =>
      read(await callRoute(consentSyncAction, { request: await adminRequest(shop.domain, "/app/consent-sync", { json: { enabled } }) }));
    expect((await turn(true)).body).toMatchObject({ enabled: true });
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).consentSyncEnabled).toBe(true);
    expect(await turn("yes")).toMatchObject({ status: 400, body: { error: "enabled must be true or false" } });
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).consentSyncEnabled).toBe(true);

    double!.customers.get(GID)!.phone = null;
    await optedInCheckout(shop, "st-1");
    await order(shop, "st-1");
    await syncConsent(new Date(), options);
    const shown = (await state()).body as { counts: Record<string, number>; problems: { lastError: string }[] };
    expect(shown.counts).toEqual({ failed: 1 });
    expect(shown.problems[0].lastError).toContain("Customer must have a phone number");
    expect((await turn(false)).body).toMatchObject({ enabled: false });
  });
});

describe("consent evidence and privacy", () => {
  it("answers a data request with the evidence and the exchanges with Shopify, and customers/redact erases both", async () => {
    const shop = await shopWith();
    const occurredAt = await optedInCheckout(shop, "pr-1");
    await order(shop, "pr-1");
    await syncConsent(new Date(), options);
    const payload = { shop_domain: shop.domain, customer: { id: CUSTOMER_ID, email: null, phone: null }, data_request: { id: 991 } };

    const answered = await answerDataRequest(shop.domain, payload);
    const report = answered!.report as { checkouts: Record<string, unknown>[]; whatsAppConsentWithShopify: Record<string, unknown>[] };
    expect(report.checkouts).toEqual([
      expect.objectContaining({
        customerId: String(CUSTOMER_ID),
        whatsappOptInText: OPT_IN_TEXT,
        whatsappOptInLocale: "hi-IN",
        whatsappOptInAt: occurredAt,
        whatsappOptInSource: "checkout_extension",
      }),
    ]);
    expect(report.whatsAppConsentWithShopify).toEqual([
      expect.objectContaining({ operation: "write", state: "SUBSCRIBED", status: "done", collectedAt: occurredAt, shopifyState: "SUBSCRIBED" }),
    ]);

    expect(await redactCustomer(shop.domain, payload)).toBe(1);
    expect(await prisma.checkout.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      customerId: null,
      phone: null,
      whatsappOptInText: null,
      whatsappOptInLocale: null,
      whatsappOptInAt: null,
      whatsappOptInSource: null,
    });
    expect(await prisma.consentSync.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("the Admin API double answers customerWhatsAppMarketingConsentUpdate as Shopify does", () => {
  const MUTATION =
    "mutation M($input: CustomerWhatsAppMarketingConsentUpdateInput!) { customerWhatsAppMarketingConsentUpdate(input: $input) { userErrors { field code message } } }";
  const api = () => {
    const shopify = shopifyAdminApi("double.myshopify.com", { accessToken: "t", scopes: ["write_customers", "read_customers"] });
    shopify.addCustomer({ id: 1, phone: "+916000376569" });
    return shopify;
  };
  const ask = (shopify: ReturnType<typeof api>, input: unknown) => {
    const answer = shopify.answer({ body: JSON.stringify({ query: MUTATION, variables: { input } }), headers: { "x-shopify-access-token": "t" } });
    if (typeof answer === "symbol") throw new Error("dropped");
    return JSON.parse(answer.data) as {
      data?: { customerWhatsAppMarketingConsentUpdate: { userErrors: { field: string[]; code: string }[] } };
      errors?: { message: string }[];
    };
  };

  it("refuses a state or level an app may not set, a future time, an unknown customer, and input keys the schema lacks", () => {
    const shopify = api();
    const consent = (extra: object) => ({ customerId: "gid://shopify/Customer/1", whatsAppMarketingConsent: { state: "SUBSCRIBED", ...extra } });
    const errors = (input: unknown) => ask(shopify, input).data?.customerWhatsAppMarketingConsentUpdate.userErrors.map((e) => [e.field.join("."), e.code]);
    expect(errors(consent({ state: "NOT_SUBSCRIBED" }))).toEqual([["input.whatsAppMarketingConsent.state", "INCLUSION"]]);
    expect(errors(consent({ optInLevel: "DOUBLE" }))).toEqual([["input.whatsAppMarketingConsent.optInLevel", "INCLUSION"]]);
    expect(errors(consent({ updatedAt: "2999-01-01T00:00:00Z" }))).toEqual([["input.whatsAppMarketingConsent.updatedAt", "INVALID"]]);
    expect(errors({ ...consent({}), customerId: "gid://shopify/Customer/2" })).toEqual([["input.customerId", "INVALID"]]);
    expect(ask(shopify, { ...consent({}), phone: "+91" }).errors?.[0].message).toContain("Field is not defined on CustomerWhatsAppMarketingConsentUpdateInput");
    expect(ask(shopify, { customerId: "gid://shopify/Customer/1", whatsAppMarketingConsent: { marketingState: "SUBSCRIBED" } }).errors?.[0].message).toContain(
      "whatsAppMarketingConsent.marketingState",
    );
    expect(shopify.customers.get("gid://shopify/Customer/1")!.whatsApp.state).toBe("NOT_SUBSCRIBED");
    expect(errors(consent({ optInLevel: "SINGLE_OPT_IN" }))).toEqual([]);
    expect(shopify.customers.get("gid://shopify/Customer/1")!.whatsApp).toMatchObject({
      state: "SUBSCRIBED",
      optInLevel: "SINGLE_OPT_IN",
      collectedFrom: "OTHER",
    });
  });

  it("answers ACCESS_DENIED without write_customers, which the app records as scope_missing", async () => {
    const shopify = shopifyAdminApi("double.myshopify.com", { accessToken: "t", scopes: ["read_customers"] });
    shopify.addCustomer({ id: 1, phone: "+916000376569" });
    const graphql: AdminGraphql = async (query, options) =>
      new Response(
        (shopify.answer({ body: JSON.stringify({ query, variables: options?.variables }), headers: { "x-shopify-access-token": "t" } }) as { data: string })
          .data,
        { headers: { "content-type": "application/json" } },
      );
    const result = await writeWhatsAppConsent(graphql, { customerId: "1", state: "SUBSCRIBED", collectedAt: null }, noWait);
    expect(result.ok).toBe(false);
    expect(!result.ok && [result.error.kind, result.error.message]).toEqual(["scope_missing", expect.stringContaining("write_customers")]);
  });
});
