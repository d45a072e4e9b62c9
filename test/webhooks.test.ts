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
    await capture({
      request: await captureRequest(shop, { checkoutToken: "c1-checkout-token", whatsappOptIn: true, shippingAddress: { zip: "781354" } }),
      params: {},
      context: {},
    });
    expect((await deliver(checkoutsCreate, webhookRequest("checkouts/create", shop, checkoutWebhookPayload()))).status).toBe(200);
    expect(
      (
        await deliver(
          checkoutsUpdate,
          webhookRequest("checkouts/update", shop, checkoutWebhookPayload({ updated_at: "2026-11-25T10:05:00+05:30", phone: "+91 6000376569" })),
        )
      ).status,
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
      recoveryUrl: "https://www.checkout-shop.example/81234/checkouts/ac/c1-checkout-token/recover?key=abc",
      city: "Rangia",
      provinceCode: "AS",
      currency: "INR",
      locale: "en-IN",
      sources: "extension,webhook",
      trustedSeen: true,
    });
    expect(checkouts[0].utm).toEqual({ utm_source: "instagram", utm_campaign: "diwali" });
    expect(checkouts[0].attributes).toEqual({ gift: "no" });
    expect(checkouts[0].lines).toEqual([
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
      status: 400,
      body: { error: "body is not valid JSON" },
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
    const again = webhookRequest(
      "checkouts/update",
      shop,
      checkoutWebhookPayload({ token: "t-dup", email: "second@example.com", updated_at: "2026-11-25T11:00:00+05:30" }),
      { webhookId: "wh-dup" },
    );
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
    const response = await deliver(
      ordersCreate,
      webhookRequest("orders/create", shop, orderWebhookPayload({ checkout_token: "unknown" }), { webhookId: "wh-unknown" }),
    );
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
    const response = await deliver(
      scopesUpdate,
      webhookRequest("app/scopes_update", shop, {
        id: 1,
        previous: ["read_orders"],
        current: ["read_orders", "read_checkouts"],
        updated_at: "2026-11-25T10:00:00Z",
      }),
    );
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
    await deliver(
      checkoutsCreate,
      webhookRequest(
        "checkouts/create",
        shop,
        checkoutWebhookPayload({
          token: "p-asha",
          email: "asha@example.com",
          phone: "+91 98765 43210",
          customer: null,
          shipping_address: { first_name: "Asha", address1: "1 Hill Rd", city: "Pune", zip: "411001", country_code: "IN", phone: "+91 98765 43210" },
        }),
      ),
    );
    await deliver(
      checkoutsCreate,
      webhookRequest(
        "checkouts/create",
        shop,
        checkoutWebhookPayload({ token: "p-ravi", email: "ravi@example.com", customer: null, shipping_address: { first_name: "Ravi", city: "Delhi" } }),
      ),
    );
    await deliver(
      checkoutsCreate,
      webhookRequest("checkouts/create", neighbour, checkoutWebhookPayload({ token: "p-asha-2", email: "asha@example.com", customer: null })),
    );
  }

  it("customers/data_request stores a readable report of what is held for that customer only", async () => {
    await seed();
    const response = await deliver(
      dataRequest,
      webhookRequest(
        "customers/data_request",
        shop,
        customerPayload(shop, { email: "ASHA@example.com" }, { data_request: { id: 9999 }, orders_requested: [] }),
      ),
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
    const shopRows =
      JSON.stringify(await prisma.checkout.findMany({ where: { shop: { domain: shop } } })) +
      JSON.stringify(await prisma.dataRequest.findMany({ where: { shop: { domain: shop } } }));
    for (const trace of ["asha@example.com", "9876543210", "98765 43210", "1 Hill Rd", "Asha"]) expect(shopRows).not.toContain(trace);
    expect(await checkoutOf(shop, "p-asha")).toMatchObject({ email: null, phoneE164: null, abandonDueAt: null });
    expect(await checkoutOf(shop, "p-ravi")).toMatchObject({ email: "ravi@example.com", firstName: "Ravi" });
    expect(await checkoutOf(neighbour, "p-asha-2")).toMatchObject({ email: "asha@example.com" });
  });

  it("shop/redact on a still installed shop deletes nothing", async () => {
    const before = await snapshot();
    const response = await deliver(
      shopRedact,
      webhookRequest("shop/redact", shop, { shop_id: 954889, shop_domain: shop }, { webhookId: "wh-redact-installed" }),
    );
    expect(response.status).toBe(200);
    const after = await snapshot();
    expect({ ...after, webhooks: [] }).toEqual({ ...before, webhooks: [] });
    expect(await checkoutOf(shop, "p-ravi")).not.toBeNull();
  });

  it("shop/redact after app/uninstalled deletes every row of the shop, keeps only its receipt, and is idempotent", async () => {
    expect((await deliver(appUninstalled, webhookRequest("app/uninstalled", shop, { id: 954889, domain: shop, myshopify_domain: shop }))).status).toBe(200);
    const redact = () => webhookRequest("shop/redact", shop, { shop_id: 954889, shop_domain: shop }, { webhookId: "wh-shop-redact" });
    const response = await deliver(shopRedact, redact());
    expect(response.status).toBe(200);
    expect(await prisma.shop.findUnique({ where: { domain: shop } })).toBeNull();
    expect(await prisma.checkout.count({ where: { token: { in: ["p-asha", "p-ravi"] } } })).toBe(0);
    expect(await prisma.dataRequest.count()).toBe(0);
    const receipts = await prisma.processedWebhook.findMany({ where: { shop } });
    expect(receipts.map((r) => [r.webhookId, r.topic])).toEqual([["wh-shop-redact", "shop/redact"]]);
    await prisma.processedWebhook.deleteMany({ where: { webhookId: "wh-shop-redact" } });
    expect(await databaseText()).not.toContain(shop);
    expect(await checkoutOf(neighbour, "p-asha-2")).not.toBeNull();

    const afterFirst = await snapshot();
    expect((await deliver(shopRedact, redact())).status).toBe(200);
    expect((await deliver(shopRedact, webhookRequest("shop/redact", shop, { shop_id: 954889, shop_domain: shop }))).status).toBe(200);
    expect({ ...(await snapshot()), webhooks: [] }).toEqual({ ...afterFirst, webhooks: [] });
  });
});

describe("webhook trust boundaries: the HMAC covers the body only", () => {
  const victim = "trust-victim.myshopify.com";
  const attacker = "trust-attacker.myshopify.com";

  /** The same request with some headers replaced, as anyone holding a signed body could send it. */
  function withHeaders(request: Request, headers: Record<string, string | null>): Request {
    const merged = new Headers(request.headers);
    for (const [name, value] of Object.entries(headers)) {
      if (value === null) merged.delete(name);
      else merged.set(name, value);
    }
    return new Request(request.url, { method: "POST", headers: merged, body: request.body, duplex: "half" });
  }

  async function seedVictim() {
    const session = { id: `offline_${victim}`, shop: victim, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_v", expires: null };
    await prisma.session.upsert({ where: { id: session.id }, create: session, update: {} });
    await deliver(
      checkoutsCreate,
      webhookRequest(
        "checkouts/create",
        victim,
        checkoutWebhookPayload({
          token: "v-1",
          email: "vera@example.com",
          customer: null,
          abandoned_checkout_url: `https://${victim}/81234/checkouts/ac/v-1/recover?key=abc`,
        }),
      ),
    );
  }

  // A body another shop's delivery carried, signed by Shopify, re-posted with the victim in the header.
  const signedForAttacker: [string, Action, unknown][] = [
    [
      "checkouts/create",
      checkoutsCreate,
      checkoutWebhookPayload({ token: "a-1", abandoned_checkout_url: `https://${attacker}/1/checkouts/ac/a-1/recover?key=k` }),
    ],
    [
      "checkouts/update",
      checkoutsUpdate,
      checkoutWebhookPayload({ token: "v-1", email: "evil@example.com", abandoned_checkout_url: `https://${attacker}/1/checkouts/ac/v-1/recover?key=k` }),
    ],
    ["orders/create", ordersCreate, orderWebhookPayload({ checkout_token: "v-1", order_status_url: `https://${attacker}/1/orders/abc/authenticate?key=k` })],
    ["app/uninstalled", appUninstalled, { id: 1, domain: "attacker.example", myshopify_domain: attacker }],
    ["customers/data_request", dataRequest, customerPayload(attacker, { email: "vera@example.com" }, { data_request: { id: 1 } })],
    ["customers/redact", customersRedact, customerPayload(attacker, { email: "vera@example.com" })],
    ["shop/redact", shopRedact, { shop_id: 1, shop_domain: attacker }],
  ];

  it.each(signedForAttacker)("%s: a payload naming another shop than X-Shopify-Shop-Domain answers 400 and changes nothing", async (topic, route, payload) => {
    await seedVictim();
    await prisma.shop.update({ where: { domain: victim }, data: { uninstalledAt: new Date() } });
    const before = await snapshot();
    const sessions = await prisma.session.count();
    const response = await deliver(route, webhookRequest(topic, victim, payload));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/X-Shopify-Shop-Domain/);
    expect(await snapshot()).toEqual(before);
    expect(await prisma.session.count()).toBe(sessions);
    expect(await prisma.dataRequest.count()).toBe(0);
  });

  it("app/uninstalled and the compliance topics refuse a payload without its shop field", async () => {
    await seedVictim();
    const before = await snapshot();
    expect(await deliver(appUninstalled, webhookRequest("app/uninstalled", victim, { id: 1 }))).toEqual({
      status: 400,
      body: { error: "myshopify_domain is required" },
    });
    expect(await deliver(customersRedact, webhookRequest("customers/redact", victim, { customer: { email: "vera@example.com" } }))).toEqual({
      status: 400,
      body: { error: "shop_domain is required" },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("a body posted to another topic's route answers 400 and changes nothing", async () => {
    await seedVictim();
    const before = await snapshot();
    // A signed customers/redact body on the shop/redact route: the original probe that deleted an installed shop.
    const redactBody = webhookRequest("customers/redact", victim, customerPayload(victim, { email: "vera@example.com" }));
    expect(await deliver(shopRedact, redactBody)).toEqual({
      status: 400,
      body: { error: "X-Shopify-Topic must be shop/redact on this route (got customers/redact)" },
    });
    const relabelled = withHeaders(webhookRequest("customers/redact", victim, customerPayload(victim, { email: "vera@example.com" })), {
      "x-shopify-topic": "shop/redact",
    });
    expect((await deliver(customersRedact, relabelled)).status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect(await checkoutOf(victim, "v-1")).toMatchObject({ email: "vera@example.com" });
  });

  it("a shop header that is not a myshopify domain answers 400", async () => {
    const before = await snapshot();
    for (const shop of ["evil.example", "a.myshopify.com.evil.example", "../admin", ""]) {
      const response = await deliver(
        checkoutsCreate,
        withHeaders(webhookRequest("checkouts/create", "x.myshopify.com", checkoutWebhookPayload({ token: "h-1" })), { "x-shopify-shop-domain": shop }),
      );
      expect(response).toEqual({ status: 400, body: { error: "X-Shopify-Shop-Domain must be a myshopify.com domain" } });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a delivery without X-Shopify-Triggered-At, or triggered in the future, answers 400: its age cannot be judged", async () => {
    const before = await snapshot();
    const missing = withHeaders(webhookRequest("checkouts/create", victim, checkoutWebhookPayload({ token: "t-1" })), { "x-shopify-triggered-at": null });
    expect(await deliver(checkoutsCreate, missing)).toEqual({ status: 400, body: { error: "X-Shopify-Triggered-At is required" } });
    const garbled = withHeaders(webhookRequest("checkouts/create", victim, checkoutWebhookPayload({ token: "t-1" })), {
      "x-shopify-triggered-at": "yesterday",
    });
    expect(await deliver(checkoutsCreate, garbled)).toEqual({ status: 400, body: { error: "X-Shopify-Triggered-At must be a date" } });
    const future = webhookRequest("checkouts/create", victim, checkoutWebhookPayload({ token: "t-1" }), { triggeredAt: new Date(Date.now() + 60 * 60_000) });
    expect(await deliver(checkoutsCreate, future)).toEqual({ status: 400, body: { error: "X-Shopify-Triggered-At is in the future" } });
    expect(await snapshot()).toEqual(before);
  });

  it("a lone UTF-16 surrogate anywhere in a checkout webhook answers 400 naming the field", async () => {
    const cases: [string, string][] = [
      ['"email":"buyer@example.com"', '"email":"b\\ud800@example.com"'],
      ['"title":"Jordans"', '"title":"Jordans \\udfff"'],
    ];
    const fields = ["email", "line_items.0.title"];
    for (const [i, [from, to]] of cases.entries()) {
      const raw = JSON.stringify(checkoutWebhookPayload({ token: "s-1" })).replace(from, to);
      expect(raw).not.toEqual(JSON.stringify(checkoutWebhookPayload({ token: "s-1" })));
      for (const [topic, route] of [
        ["checkouts/create", checkoutsCreate],
        ["checkouts/update", checkoutsUpdate],
      ] as const) {
        expect(await deliver(route, webhookRequest(topic, victim, null, { rawBody: raw }))).toEqual({
          status: 400,
          body: { error: `${fields[i]} contains a lone UTF-16 surrogate` },
        });
      }
    }
    // A surrogate pair (an emoji written as escapes) is valid text.
    const emoji = JSON.stringify(checkoutWebhookPayload({ token: "s-2" })).replace(
      '"presentment_title":"Jordans"',
      '"presentment_title":"Jordans \\ud83d\\ude00"',
    );
    expect((await deliver(checkoutsCreate, webhookRequest("checkouts/create", victim, null, { rawBody: emoji }))).status).toBe(200);
    expect(await checkoutOf(victim, "s-1")).toBeNull();
    expect((await checkoutOf(victim, "s-2"))!.lines).toEqual([expect.objectContaining({ title: "Jordans \u{1F600}" })]);
  });
});
