// Shopify Flow triggers: a Flow destination gets deliveries like an endpoint
// (same transaction as the event, same retries and log) and the worker sends
// them with flowTriggerReceive through the app's Admin API client, against a
// double that validates the payload as Flow does and fails on demand.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import prisma from "../app/db.server";
import { sessionStorage } from "../app/shopify.server";
import { action as endpointAction, loader as endpointLoader } from "../app/routes/app.endpoints.$id/route";
import { action as flowTriggersAction, loader as flowTriggersLoader } from "../app/routes/app.flow-triggers";
import { flowExtensionFiles } from "../app/flow/flow-extension-toml";
import { sendFlowTrigger } from "../app/flow/flow-sender.server";
import { endpointOutcome, FLOW_DESTINATION_URL, FLOW_TRIGGERS } from "../app/flow/flow-triggers";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import type { BspReceiver } from "./bsp-receiver";
import { captureCheckout, connectReceiver, MINUTE, placeOrder, runWorker, shopRow, sweep, TestClock } from "./pipeline";
import { shopifyAdminDouble, type ShopifyAdminDouble } from "./shopify-admin-double";

// Shopify's library takes globalThis.fetch when it is imported; undici's MockAgent sees only its own fetch.
await vi.hoisted(async () => {
  const { fetch } = await import("undici");
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
});

const receivers: BspReceiver[] = [];
let double: ShopifyAdminDouble | null = null;
afterEach(async () => {
  double?.close();
  double = null;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function startDouble(shop: string, options: Partial<Parameters<typeof shopifyAdminDouble>[1]> = {}) {
  const accessToken = (await sessionStorage.loadSession(`offline_${shop}`))!.accessToken!;
  double = shopifyAdminDouble(shop, { accessToken, ...options });
  return double;
}

async function turnFlow(shop: string, enabled: boolean) {
  return read(await callRoute(flowTriggersAction, { request: await adminRequest(shop, "/app/flow-triggers", { json: { enabled } }) }));
}

/** A shop with one BSP endpoint and the Flow triggers on, and one checkout abandoned. */
async function abandonedWithFlow(shop: string, checkoutToken: string) {
  await installShop(shop);
  const bsp = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered"] });
  receivers.push(bsp.receiver);
  expect((await turnFlow(shop, true)).body.enabled).toBe(true);
  const checkout = await captureCheckout(shop, {
    checkoutToken,
    phone: "+91 98765 43210",
    email: "asha@example.com",
    whatsappOptIn: true,
    currency: "INR",
    total: "1800.00",
  });
  const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
  await sweep(clock);
  const event = await prisma.event.findFirstOrThrow({ where: { checkoutId: checkout.id, topic: "abandonedCheckout" } });
  const flowDelivery = await prisma.delivery.findFirstOrThrow({ where: { eventId: event.id, endpoint: { url: FLOW_DESTINATION_URL } } });
  return { checkout, clock, event, flowDelivery, bsp };
}

describe("Flow trigger extensions", () => {
  it("declare exactly the fields the sender fills", () => {
    for (const [file, content] of flowExtensionFiles()) expect({ file, content: readFileSync(file, "utf8") }).toEqual({ file, content });
    expect(Object.values(FLOW_TRIGGERS).map((t) => [t.handle, t.name])).toEqual([
      ["checkout-abandoned", "Checkout abandoned (Cart Relay)"],
      ["checkout-recovered", "Checkout recovered (Cart Relay)"],
    ]);
    for (const trigger of Object.values(FLOW_TRIGGERS)) expect(trigger.handle.length).toBeLessThanOrEqual(30);
  });

  it("summarise what the BSP endpoints did", () => {
    expect(endpointOutcome([])).toBe("no BSP endpoint");
    expect(endpointOutcome(["succeeded"])).toBe("1 delivered of 1 endpoint");
    expect(endpointOutcome(["succeeded", "pending", "failed", "cancelled_converted"])).toBe("1 delivered, 1 pending, 1 failed, 1 cancelled of 4 endpoints");
  });
});

describe("Flow triggers", () => {
  it("are turned on and off in Settings, as a paused destination that keeps its log", async () => {
    const shop = "flow-settings.myshopify.com";
    await installShop(shop);
    const state = async () => read(await callRoute(flowTriggersLoader, { request: await adminRequest(shop, "/app/flow-triggers") }));
    expect((await state()).body).toEqual({ enabled: false, endpointId: null });
    const on = await turnFlow(shop, true);
    expect(on.body.enabled).toBe(true);
    const endpoint = await prisma.endpoint.findUniqueOrThrow({ where: { id: on.body.endpointId } });
    expect(endpoint).toMatchObject({ url: FLOW_DESTINATION_URL, name: "Shopify Flow", status: "active", topics: ["abandonedCheckout", "checkoutRecovered"] });
    expect(await turnFlow(shop, false)).toEqual({ status: 200, body: { enabled: false, endpointId: endpoint.id } });
    expect((await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).status).toBe("paused");
    expect((await turnFlow(shop, true)).body.endpointId).toBe(endpoint.id);
    expect(await prisma.endpoint.count({ where: { shop: { domain: shop } } })).toBe(1);

    const bad = await read(await callRoute(flowTriggersAction, { request: await adminRequest(shop, "/app/flow-triggers", { json: { enabled: "yes" } }) }));
    expect(bad).toMatchObject({ status: 400, body: { error: "enabled must be true or false" } });
    const unsigned = await callRoute(flowTriggersAction, {
      request: await adminRequest(shop, "/app/flow-triggers", { json: { enabled: false }, token: null }),
    });
    expect(unsigned.status).not.toBe(200);
    expect((await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).status).toBe("active");

    // Its page in the endpoint list leads to Settings: it has no URL, secret or test send to edit, and refuses a rotation.
    const page = await callRoute(endpointLoader, { request: await adminRequest(shop, `/app/endpoints/${endpoint.id}`), params: { id: endpoint.id } });
    expect([page.status, page.headers.get("location")]).toEqual([302, "/app/settings"]);
    const rotate = await callRoute(endpointAction, {
      request: await adminRequest(shop, `/app/endpoints/${endpoint.id}`, { json: { intent: "rotate" } }),
      params: { id: endpoint.id },
    });
    expect(rotate.status).toBe(302);
    expect((await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).secretCiphertext).toBe(endpoint.secretCiphertext);
  });

  it("send Checkout abandoned once per event with the fields a workflow needs", async () => {
    const shop = "flow-abandoned.myshopify.com";
    const { clock, event, flowDelivery, checkout } = await abandonedWithFlow(shop, "flow-tok-1");
    // Written in the detector's transaction, beside the BSP's delivery.
    expect(await prisma.delivery.count({ where: { eventId: event.id } })).toBe(2);
    const flow = await startDouble(shop);
    await runWorker(clock);

    expect(flow.flowTriggers).toEqual([
      {
        handle: "checkout-abandoned",
        payload: {
          "Event ID": event.id,
          "Checkout token": "flow-tok-1",
          Email: "asha@example.com",
          Phone: "+919876543210",
          Total: 1800,
          Currency: "INR",
          "Resume link": expect.stringMatching(/^https:\/\/flow-abandoned\.myshopify\.com\/cart\?.*attributes%5B_cart_relay%5D=/),
          "WhatsApp opt-in": true,
          "Endpoint outcome": expect.stringMatching(/ of 1 endpoint$/),
        },
      },
    ]);
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: flowDelivery.id } })).toMatchObject({ status: "succeeded", lastStatusCode: 200 });
    const attempts = await prisma.attempt.findMany({ where: { deliveryId: flowDelivery.id } });
    expect(attempts.map((a) => [a.statusCode, a.errorKind])).toEqual([[200, null]]);

    // Idempotent: later passes and a second detector run send nothing more.
    clock.advance(60 * MINUTE);
    await sweep(clock);
    await runWorker(clock);
    expect(flow.flowTriggers).toHaveLength(1);

    // And Checkout recovered, once the order comes in after the message: the order names the customer, so Flow gets the reference.
    await placeOrder(shop, {
      checkout_token: "flow-tok-1",
      created_at: clock.now().toISOString(),
      name: "#2001",
      total_price: "1800.00",
      currency: "INR",
      customer: { id: 6612345678901, email: "asha@example.com", phone: null },
    });
    expect((await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).status).toBe("recovered");
    await runWorker(clock);
    expect(flow.flowTriggers.map((t) => t.handle)).toEqual(["checkout-abandoned", "checkout-recovered"]);
    expect(flow.flowTriggers[1].payload).toMatchObject({
      customer_id: 6612345678901,
      "Checkout token": "flow-tok-1",
      "Order name": "#2001",
      "Order total": 1800,
      "Match type": "checkout_token",
    });
  });

  it("are retried like a delivery when Shopify throttles, fails or refuses, with the same event", async () => {
    const shop = "flow-retry.myshopify.com";
    const { clock, event, flowDelivery } = await abandonedWithFlow(shop, "flow-tok-2");
    const flow = await startDouble(shop);
    flow.fail(
      { kind: "throttled", requestedQueryCost: 10, currentlyAvailable: 0, restoreRate: 1 },
      { kind: "rate_limited", retryAfterSeconds: 120 },
      { kind: "user_errors", userErrors: [{ field: ["payload"], code: "INVALID", message: "Flow is catching up" }] },
    );
    const results: unknown[] = [];
    // The default policy: 3 retries, so the fourth attempt is the last.
    for (let pass = 0; pass < 4; pass++) {
      await runWorker(clock, { deliveryIds: [flowDelivery.id] });
      const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: flowDelivery.id } });
      results.push([delivery.status, delivery.lastStatusCode, delivery.lastErrorKind]);
      if (delivery.nextAttemptAt) clock.set(delivery.nextAttemptAt);
    }
    expect(results).toEqual([
      ["pending", 429, "http"],
      ["pending", 429, "http"],
      ["pending", null, "http"],
      ["succeeded", 200, null],
    ]);
    const attempts = await prisma.attempt.findMany({ where: { deliveryId: flowDelivery.id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => a.errorMessage)).toEqual([
      expect.stringMatching(/^Shopify throttled flowTriggerReceive/),
      expect.stringMatching(/HTTP 429/),
      "Flow refused the trigger: payload: Flow is catching up",
      null,
    ]);
    // Every attempt asked for the same trigger; Flow ran it once, for this event.
    expect(flow.calls.filter((c) => c.operation === "flowTriggerReceive").map((c) => c.variables.payload?.["Event ID"])).toEqual(Array(4).fill(event.id));
    expect(flow.flowTriggers.map((t) => t.payload["Event ID"])).toEqual([event.id]);
  });

  it("are refused by Flow when the payload does not match the deployed extension", async () => {
    const shop = "flow-schema.myshopify.com";
    await installShop(shop);
    const trigger = FLOW_TRIGGERS.abandonedCheckout;
    const flow = await startDouble(shop, {
      flowTriggers: [{ ...trigger, fields: [...trigger.fields, { key: "Loyalty tier", type: "single_line_text_field", description: "" }] }],
    });
    const body = readFileSync("docs/bsp/samples/abandonedCheckout.json", "utf8");
    const result = await sendFlowTrigger({ shopDomain: shop, topic: "abandonedCheckout", eventId: "evt-1", request: { body } });
    expect(result).toMatchObject({
      ok: false,
      errorKind: "http",
      errorMessage: "Flow refused the trigger: payload.Loyalty tier: Missing required field 'Loyalty tier'",
    });
    flow.fail({ kind: "server_error", status: 502 }, { kind: "connection_refused" });
    expect(await sendFlowTrigger({ shopDomain: shop, topic: "abandonedCheckout", eventId: "evt-1", request: { body } })).toMatchObject({
      ok: false,
      statusCode: 502,
      errorKind: "http",
    });
    expect(await sendFlowTrigger({ shopDomain: shop, topic: "abandonedCheckout", eventId: "evt-1", request: { body } })).toMatchObject({
      ok: false,
      statusCode: null,
      errorKind: "network",
    });
    const unknownTopic = await sendFlowTrigger({ shopDomain: shop, topic: "test", eventId: "evt-2", request: { body } });
    expect(unknownTopic.errorMessage).toMatch(/receives abandonedCheckout and checkoutRecovered only/);
    expect(flow.flowTriggers).toEqual([]);
  });
});
