import { describe, expect, it } from "vitest";
import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../app/db.server";
import { action as checkoutsCreate } from "../app/routes/webhooks.checkouts.create";
import { action as checkoutsUpdate } from "../app/routes/webhooks.checkouts.update";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { action as appUninstalled } from "../app/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "../app/routes/webhooks.app.scopes_update";
import { action as dataRequest } from "../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../app/routes/webhooks.shop.redact";
import { action as capture } from "../app/routes/api.capture";
import { captureRequest, webhookRequest } from "./shopify";
import { checkoutWebhookPayload, customerPayload, orderWebhookPayload } from "./fixtures";
import { checkoutOf, snapshot } from "./db";

type Action = (args: ActionFunctionArgs) => Promise<Response> | Response;

async function deliver(route: Action, request: Request) {
  const response = await route({ request, params: {}, context: {} });
  return { status: response.status, body: response.status === 200 ? null : await response.json().catch(() => null) };
}

async function databaseText(): Promise<string> {
  return JSON.stringify(await snapshot()) + JSON.stringify(await prisma.dataRequest.findMany()) + JSON.stringify(await prisma.attempt.findMany());
}

describe("checkouts/create and checkouts/update", () => {
  const shop = "checkout-shop.myshopify.com";

  it("merge into the checkout the extension captured, as a trusted source", async () => {
    await capture({ request: await captureRequest(shop, { checkoutToken: "c1-checkout-token", whatsappOptIn: true, shippingAddress: { zip: "781354" } }), params: {}, context: {} });
    expect((await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, checkoutWebhookPayload()))).status).toBe(200);
    expect(
      (await deliver(checkoutsUpdate, webhookRequest("checkouts/update", shop, checkoutWebhookPayload({ updated_at: "2026-11-25T10:05:00+05:30", phone: "+91 6000376569" })))).status,
    ).toBe(200);

    const checkouts = await prisma.checkout.findMany({ where: { shop: { domain: shop } } });
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]).toMatchObject({
      token: "c1-checkout-token",
      email: "buyer@example.com",
      phoneE164: "+916000376569",
      whatsappOptIn: true,
      emailMarketing: true,
      smsMarketing: false,
      recoveryUrl: "https://checkout-shop.myshopify.com/81234/checkouts/ac/c1-checkout-token/recover?key=abc",
      city: "Rangia",
      provinceCode: "AS",
      currency: "INR",
      locale: "en-IN",
      sources: "extension,webhook",
      trustedSeen: true,
    });
    expect(checkouts[0]!.utm).toEqual({ utm_source: "instagram", utm_campaign: "diwali" });
    expect(checkouts[0]!.attributes).toEqual({ gift: "no" });
    expect(checkouts[0]!.lines).toEqual([
      expect.objectContaining({ variantId: "45515259445425", sku: "JRD-BLK", quantity: 2, unitPrice: 500, linePrice: 800, originalLinePrice: 1000 }),
    ]);
  });

  it("answers 401 to a tampered body or a wrong secret and stores nothing", async () => {
    const before = await snapshot();
    const tampered = webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "t-tamper" }), {
      tamperedBody: JSON.stringify(checkoutWebhookPayload({ token: "t-tamper", email: "attacker@example.com" })),
    });
    expect((await deliver(checkoutsCreate, tampered)).status).toBe(401);
    const wrongSecret = webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "t-secret" }), { secret: "guess" });
    expect((await deliver(checkoutsCreate, wrongSecret)).status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 400 naming the field when the payload is not a checkout, and stores nothing", async () => {
    const before = await snapshot();
    const response = await deliver(
      checkoutsCreate,
      webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "t-bad", line_items: [{ quantity: "2" }] })),
    );
    expect(response).toEqual({ status: 400, body: { error: "line_items.0.quantity must be a number (got string)" } });
    expect((await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, { email: "x@example.com" }))).body).toEqual({
      error: "token is required",
    });
    expect(await snapshot()).toEqual(before);
  });

  it("answers 400 to a signed body that is not JSON, 400 to a stale replay and 413 to an oversized body, storing nothing", async () => {
    const before = await snapshot();
    expect(await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, null, { rawBody: "{not json" }))).toEqual({
      status: 400, body: { error: "body is not valid JSON" },
    });
    const stale = await deliver(
      checkoutsCreate,
      webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "t-stale" }), { triggeredAt: new Date(Date.now() - 4 * 24 * 60 * 60_000) }),
    );
    expect(stale.status).toBe(400);
    expect(stale.body.error).toMatch(/^webhook delivery is stale: triggered at /);
    const huge = checkoutWebhookPayload({ token: "t-huge", note_attributes: [{ name: "n", value: "x".repeat(6 * 1024 * 1024) }] });
    expect((await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, huge))).status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it("processes a redelivered webhook id once", async () => {
    const first = webhookRequest("checkouts/update", shop, checkoutWebhookPayload({ token: "t-dup", email: "first@example.com" }), { webhookId: "wh-dup" });
    const again = webhookRequest("checkouts/update", shop, checkoutWebhookPayload({ token: "t-dup", email: "second@example.com", updated_at: "2026-11-25T11:00:00+05:30" }), { webhookId: "wh-dup" });
    expect((await deliver(checkoutsUpdate, first)).status).toBe(200);
    expect((await deliver(checkoutsUpdate, again)).status).toBe(200);
    expect(await checkoutOf(shop, "t-dup")).toMatchObject({ email: "first@example.com" });
  });
});

describe("orders/create", () => {
  const shop = "order-shop.myshopify.com";

  it("links the order to its checkout by checkout_token and marks it converted, once", async () => {
    await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "o-token" })));
    const order = orderWebhookPayload({ checkout_token: "o-token" });
    expect((await deliver(ordersCreate, webhookRequest("orders/create", shop, order))).status).toBe(200);
    const linked = await checkoutOf(shop, "o-token");
    expect(linked).toMatchObject({
      status: "converted",
      orderId: "820982911946154500",
      orderName: "#1001",
      orderCurrency: "INR",
      matchType: "checkout_token",
      abandonDueAt: null,
    });
    expect(linked!.orderTotal!.toString()).toBe("1800");

    const other = orderWebhookPayload({ id: 999, name: "#1002", checkout_token: "o-token" });
    expect((await deliver(ordersCreate, webhookRequest("orders/create", shop, other))).status).toBe(200);
    expect(await checkoutOf(shop, "o-token")).toMatchObject({ orderId: "820982911946154500", orderName: "#1001" });
  });

  it("accepts an order with no known checkout without storing anything", async () => {
    const before = await snapshot();
    const response = await deliver(ordersCreate, webhookRequest("orders/create", shop, orderWebhookPayload({ checkout_token: "unknown" }), { webhookId: "wh-unknown" }));
    expect(response.status).toBe(200);
    const after = await snapshot();
    expect(after.checkouts).toEqual(before.checkouts);
  });
});

describe("app lifecycle", () => {
  const shop = "lifecycle-shop.myshopify.com";

  async function storeSession(scope: string) {
    await prisma.session.create({
      data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope, accessToken: "shpat_test", expires: null },
    });
  }

  it("app/scopes_update records the scopes now granted", async () => {
    await storeSession("read_orders");
    await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "l-1" })));
    const response = await deliver(scopesUpdate, webhookRequest("app/scopes_update", shop, { id: 1, previous: ["read_orders"], current: ["read_orders", "read_checkouts"], updated_at: "2026-11-25T10:00:00Z" }));
    expect(response.status).toBe(200);
    expect(await prisma.session.findUnique({ where: { id: `offline_${shop}` } })).toMatchObject({ scope: "read_orders,read_checkouts" });
    expect(await prisma.shop.findUnique({ where: { domain: shop } })).toMatchObject({ scopes: "read_orders,read_checkouts" });
  });

  it("app/uninstalled drops sessions and marks the shop, keeping captured data until shop/redact", async () => {
    const response = await deliver(appUninstalled, webhookRequest("app/uninstalled", shop, { id: 954889, domain: shop }));
    expect(response.status).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect((await prisma.shop.findUnique({ where: { domain: shop } }))!.uninstalledAt).toBeInstanceOf(Date);
    expect(await checkoutOf(shop, "l-1")).not.toBeNull();
  });
});

describe("compliance webhooks", () => {
  const shop = "privacy-shop.myshopify.com";
  const neighbour = "privacy-neighbour.myshopify.com";

  async function seed() {
    await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "p-asha", email: "asha@example.com", phone: "+91 98765 43210", customer: null, shipping_address: { first_name: "Asha", address1: "1 Hill Rd", city: "Pune", zip: "411001", country_code: "IN", phone: "+91 98765 43210" } })));
    await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, checkoutWebhookPayload({ token: "p-ravi", email: "ravi@example.com", customer: null, shipping_address: { first_name: "Ravi", city: "Delhi" } })));
    await deliver(checkoutsCreate, webhookRequest("checkouts/create", neighbour, checkoutWebhookPayload({ token: "p-asha-2", email: "asha@example.com", customer: null })));
  }

  it("customers/data_request stores a readable report of what is held for that customer only", async () => {
    await seed();
    const response = await deliver(
      dataRequest,
      webhookRequest("customers/data_request", shop, customerPayload(shop, { email: "ASHA@example.com" }, { data_request: { id: 9999 }, orders_requested: [] })),
    );
    expect(response.status).toBe(200);
    const stored = await prisma.dataRequest.findFirstOrThrow({ where: { requestId: "9999" } });
    const report = stored.report as { checkouts: { token: string; email: string; city: string }[] };
    expect(report.checkouts.map((c) => c.token)).toEqual(["p-asha"]);
    expect(report.checkouts[0]).toMatchObject({ email: "asha@example.com", city: "Pune" });
  });

  it("customers/redact removes that customer's email, phone and address everywhere, and nothing else", async () => {
    const response = await deliver(
      customersRedact,
      webhookRequest("customers/redact", shop, customerPayload(shop, { email: "asha@example.com", phone: "+919876543210" }, { orders_to_redact: [] })),
    );
    expect(response.status).toBe(200);
    const shopRows = JSON.stringify(await prisma.checkout.findMany({ where: { shop: { domain: shop } } })) + JSON.stringify(await prisma.dataRequest.findMany({ where: { shop: { domain: shop } } }));
    for (const trace of ["asha@example.com", "9876543210", "98765 43210", "1 Hill Rd", "Asha"]) expect(shopRows).not.toContain(trace);
    expect(await checkoutOf(shop, "p-asha")).toMatchObject({ email: null, phoneE164: null, abandonDueAt: null });
    expect(await checkoutOf(shop, "p-ravi")).toMatchObject({ email: "ravi@example.com", firstName: "Ravi" });
    expect(await checkoutOf(neighbour, "p-asha-2")).toMatchObject({ email: "asha@example.com" });
  });

  it("shop/redact deletes every row of the shop and leaves other shops alone", async () => {
    const response = await deliver(shopRedact, webhookRequest("shop/redact", shop, { shop_id: 954889, shop_domain: shop }));
    expect(response.status).toBe(200);
    expect(await prisma.shop.findUnique({ where: { domain: shop } })).toBeNull();
    expect(await prisma.checkout.count({ where: { token: { in: ["p-asha", "p-ravi"] } } })).toBe(0);
    expect(await prisma.dataRequest.count()).toBe(0);
    expect(await databaseText()).not.toContain(shop);
    expect(await checkoutOf(neighbour, "p-asha-2")).not.toBeNull();
  });
});
