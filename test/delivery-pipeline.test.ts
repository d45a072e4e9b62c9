import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import prisma from "../app/db.server";
import { action as checkoutsUpdate } from "../app/routes/webhooks.checkouts.update";
import { webhookRequest } from "./shopify";
import { checkoutWebhookPayload } from "./fixtures";
import type { BspReceiver } from "./bsp-receiver";
import { captureCheckout, connectReceiver, MINUTE, placeOrder, runWorker, shopRow, sweep, TestClock } from "./pipeline";

const receivers: BspReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function abandonedCheckoutSetup(shop: string, endpointInput: Record<string, unknown> = {}, capture: Record<string, unknown> = {}) {
  const checkout = await captureCheckout(shop, {
    checkoutToken: `tok-${shop}`,
    email: "asha@example.com",
    phone: "+91 98765 43210",
    whatsappOptIn: true,
    shippingAddress: { firstName: "Asha", lastName: "Rao", zip: "411001", countryCode: "IN" },
    lines: [{ variantId: "45515259445425", productId: "8181897822385", title: "Jordans", quantity: 2, unitPrice: 500, linePrice: 1000 }],
    currency: "INR",
    subtotal: 1000,
    total: 1000,
    ...capture,
  });
  const { receiver, endpointId, secret } = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered"], ...endpointInput });
  receivers.push(receiver);
  const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
  return { checkout, receiver, endpointId, secret, clock };
}

const deliveryOf = (endpointId: string, topic = "abandonedCheckout") =>
  prisma.delivery.findFirstOrThrow({ where: { endpointId, topic }, include: { attempts: { orderBy: { number: "asc" } } } });

describe("the pipe, from capture to a BSP on loopback", () => {
  it("sends one signed abandonedCheckout that independent code verifies, then checkoutRecovered after the order", async () => {
    const shop = "pipe-shop.myshopify.com";
    const { checkout, receiver, endpointId, secret } = await abandonedCheckoutSetup(shop, { standardWebhooks: true });
    // Real time here: the standardwebhooks library checks timestamps against the wall clock.
    const clock = new TestClock(new Date());
    await prisma.checkout.update({
      where: { id: checkout.id },
      data: { lastActivityAt: new Date(Date.now() - 11 * MINUTE), abandonDueAt: new Date(Date.now() - MINUTE) },
    });
    await checkoutsUpdate({
      request: webhookRequest(
        "checkouts/update",
        shop,
        checkoutWebhookPayload({ token: checkout.token, email: "asha@example.com", updated_at: new Date(Date.now() - 11 * MINUTE).toISOString() }),
      ),
      params: {},
      context: {},
    });

    expect(await sweep(new TestClock(new Date(clock.current.getTime() - 2 * MINUTE)))).toMatchObject({ due: 0 });
    expect(await sweep(clock)).toMatchObject({ due: 1, sent: 1 });
    expect(await sweep(clock)).toMatchObject({ due: 0 });
    await runWorker(clock);

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const event = await prisma.event.findFirstOrThrow({ where: { checkoutId: checkout.id, topic: "abandonedCheckout" } });
    expect(delivery.signatureValid).toBe(true);
    expect(delivery.headers).toMatchObject({
      "content-type": "application/json",
      "x-store-url": shop,
      "x-webhook-topic": "abandonedCheckout",
      "x-webhook-version": "2025-01-01",
      "x-webhook-attempt": "1",
      "x-idempotency-key": event.id,
    });
    expect(delivery.headers["user-agent"]).toMatch(/^CartRelay\/\d+\.\d+\.\d+$/);
    expect(delivery.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(delivery.headers["x-webhook-timestamp"])).toBe(clock.current.getTime());
    new Webhook(secret).verify(delivery.body, {
      "webhook-id": String(delivery.headers["webhook-id"]),
      "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
      "webhook-signature": String(delivery.headers["webhook-signature"]),
    });
    expect(delivery.json).toMatchObject({
      eventId: event.id,
      topic: "abandonedCheckout",
      cartId: checkout.id,
      storeUrl: shop,
      platform: "shopify",
      phone: "+919876543210",
      email: "asha@example.com",
      checkoutToken: checkout.token,
      marketingConsent: { whatsapp: true },
    });
    expect(delivery.json.abandonedCheckoutUrl).toContain("https://www.checkout-shop.example/81234/checkouts/ac/");

    const stored = await deliveryOf(endpointId);
    expect(stored).toMatchObject({ status: "succeeded", attemptCount: 1, body: delivery.body });
    expect(stored.attempts[0]).toMatchObject({ number: 1, statusCode: 200, errorKind: null });
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ status: "abandoned" });

    clock.advance(30 * MINUTE);
    await placeOrder(shop, { checkout_token: checkout.token, created_at: clock.now().toISOString() });
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
      status: "recovered",
      matchType: "checkout_token",
      recoveryDelayMinutes: 30,
    });
    await runWorker(clock);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].json).toMatchObject({
      topic: "checkoutRecovered",
      cartId: checkout.id,
      order: { id: "820982911946154500", name: "#1001", currency: "INR" },
      recovery: { matchType: "checkout_token", delayMinutes: 30 },
    });
    expect(receiver.received[1].signatureValid).toBe(true);
  });

  it("retries 500s and timeouts on the 2, 10, 30 minute schedule with the same idempotency key and body, then gives up", async () => {
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup("retry-shop.myshopify.com");
    receiver.respondWith(
      500,
      () => {
        /* never answers: a timeout */
      },
      503,
      500,
    );
    await sweep(clock);
    const start = clock.now().getTime();
    await runWorker(clock, { timeoutMs: 300 });
    let delivery = await deliveryOf(endpointId);
    expect(delivery).toMatchObject({ status: "pending", attemptCount: 1, lastStatusCode: 500, lastErrorKind: "http" });

    const gaps: number[] = [];
    for (const expectedMinutes of [2, 10, 30]) {
      const due = delivery.nextAttemptAt!.getTime();
      gaps.push(due - clock.now().getTime());
      expect(due - clock.now().getTime()).toBeGreaterThanOrEqual(expectedMinutes * MINUTE * 0.8);
      expect(due - clock.now().getTime()).toBeLessThanOrEqual(expectedMinutes * MINUTE * 1.2);
      clock.set(new Date(due - 1000));
      expect(await runWorker(clock, { timeoutMs: 300 })).toBe(0);
      clock.set(new Date(due));
      expect(await runWorker(clock, { timeoutMs: 300 })).toBe(1);
      delivery = await deliveryOf(endpointId);
    }
    expect(clock.now().getTime() - start).toBeGreaterThan(40 * MINUTE * 0.8);
    expect(delivery).toMatchObject({ status: "failed", attemptCount: 4, nextAttemptAt: null });
    expect(delivery.attempts.map((a) => a.errorKind)).toEqual(["http", "timeout", "http", "http"]);
    expect(receiver.received.map((r) => r.headers["x-webhook-attempt"])).toEqual(["1", "2", "3", "4"]);
    expect(new Set(receiver.received.map((r) => r.headers["x-idempotency-key"])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers["x-request-id"])).size).toBe(4);
  });

  it("disables the endpoint on 410, records integrationStatus and stops sending to it", async () => {
    const shop = "gone-shop.myshopify.com";
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup(shop, { topics: ["abandonedCheckout", "integrationStatus"] });
    await runWorker(clock); // the "connected" status event
    receiver.respondWith(410);
    await sweep(clock);
    await runWorker(clock);
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id: endpointId } })).toMatchObject({
      status: "disabled",
      disabledReason: "the endpoint answered 410 Gone",
    });
    expect(await deliveryOf(endpointId)).toMatchObject({ status: "failed", lastStatusCode: 410 });
    const statuses = await prisma.event.findMany({ where: { topic: "integrationStatus", shop: { domain: shop } }, orderBy: { createdAt: "asc" } });
    expect(statuses.map((e) => JSON.parse(e.payload).data.status)).toEqual(["connected", "disabled"]);

    await captureCheckout(shop, { checkoutToken: "after-gone", email: "later@example.com" });
    await sweep(new TestClock(new Date(clock.current.getTime() + 20 * MINUTE)));
    clock.advance(60 * MINUTE);
    await runWorker(clock);
    expect(receiver.received.map((r) => r.headers["x-webhook-topic"])).toEqual(["integrationStatus", "abandonedCheckout"]);
  });

  it("does not follow redirects", async () => {
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup("redirect-shop.myshopify.com");
    receiver.respondWith((_d, response) => void response.writeHead(301, { location: `${receiver.url}/elsewhere` }).end());
    await sweep(clock);
    await runWorker(clock);
    expect(receiver.received).toHaveLength(1);
    expect(await deliveryOf(endpointId)).toMatchObject({ status: "pending", lastStatusCode: 301, lastErrorKind: "http" });
  });

  it("honours Retry-After on 429", async () => {
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup("busy-shop.myshopify.com");
    receiver.respondWith((_d, response) => void response.writeHead(429, { "retry-after": "900" }).end());
    await sweep(clock);
    await runWorker(clock);
    const delivery = await deliveryOf(endpointId);
    expect(delivery.nextAttemptAt!.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(900_000);
    expect(delivery.nextAttemptAt!.getTime() - clock.now().getTime()).toBeLessThanOrEqual(900_000 * 1.2);
  });

  it("holds attempts due in quiet hours until the window ends, without using a retry", async () => {
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup("quiet-shop.myshopify.com", {
      quietHours: { startMinute: 22 * 60, endMinute: 8 * 60, timeZone: "Asia/Kolkata" },
    });
    const lateEvening = new Date("2026-11-25T17:00:00Z"); // 22:30 in Kolkata
    await prisma.checkout.updateMany({
      data: { lastActivityAt: new Date(lateEvening.getTime() - 11 * MINUTE), abandonDueAt: new Date(lateEvening.getTime() - MINUTE) },
    });
    clock.set(lateEvening);
    await sweep(clock);
    await runWorker(clock);
    expect(receiver.received).toHaveLength(0);
    const held = await deliveryOf(endpointId);
    expect(held).toMatchObject({ status: "pending", attemptCount: 0 });
    expect(held.nextAttemptAt).toEqual(new Date("2026-11-26T02:30:00Z")); // 08:00 in Kolkata
    clock.set(held.nextAttemptAt!);
    await runWorker(clock);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].headers["x-webhook-attempt"]).toBe("1");
  });

  it("cancels pending retries once the checkout converts", async () => {
    const shop = "convert-shop.myshopify.com";
    const { checkout, receiver, endpointId, clock } = await abandonedCheckoutSetup(shop);
    receiver.respondWith(500);
    await sweep(clock);
    await runWorker(clock);
    await placeOrder(shop, { checkout_token: checkout.token, created_at: clock.now().toISOString() });
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ status: "converted" });
    clock.advance(60 * MINUTE);
    await runWorker(clock);
    expect(receiver.received).toHaveLength(1);
    expect(await deliveryOf(endpointId)).toMatchObject({ status: "cancelled_converted" });
    expect(await prisma.event.count({ where: { topic: "checkoutRecovered", shop: { domain: shop } } })).toBe(0);
  });

  it("cancels deliveries whose event expired", async () => {
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup("expiry-shop.myshopify.com");
    receiver.respondWith(500);
    await sweep(clock);
    await runWorker(clock);
    clock.advance(25 * 60 * MINUTE);
    await runWorker(clock);
    expect(receiver.received).toHaveLength(1);
    expect(await deliveryOf(endpointId)).toMatchObject({ status: "expired" });
  });

  it("only sends to consent-only endpoints the buyers who opted in", async () => {
    const shop = "consent-shop.myshopify.com";
    const { receiver, clock } = await abandonedCheckoutSetup(shop, { consentOnly: true }, { whatsappOptIn: false });
    await captureCheckout(shop, { checkoutToken: "opted-in", email: "yes@example.com", whatsappOptIn: true });
    clock.advance(MINUTE);
    await sweep(clock);
    await runWorker(clock);
    expect(receiver.received.map((r) => r.json.email)).toEqual(["yes@example.com"]);
  });

  it("lets two workers race without sending any attempt twice", async () => {
    const shop = "race-shop.myshopify.com";
    const { receiver, clock } = await abandonedCheckoutSetup(shop);
    for (let i = 0; i < 15; i++) await captureCheckout(shop, { checkoutToken: `race-${i}`, email: `buyer${i}@example.com` });
    clock.advance(MINUTE);
    expect((await sweep(clock)).sent).toBe(16);
    const passes = await Promise.all([
      runWorker(clock, { workerId: "worker-a", limit: 16 }),
      runWorker(clock, { workerId: "worker-b", limit: 16 }),
      runWorker(clock, { workerId: "worker-c", limit: 16 }),
    ]);
    expect(passes.reduce((a, b) => a + b, 0)).toBe(16);
    const keys = receiver.received.map((r) => r.headers["x-idempotency-key"]);
    expect(keys).toHaveLength(16);
    expect(new Set(keys).size).toBe(16);
    expect(await prisma.attempt.count({ where: { delivery: { shop: { domain: shop } } } })).toBe(16);
  });

  it("redelivers with the same idempotency key when a worker is killed between send and record", async () => {
    const { receiver, endpointId, clock } = await abandonedCheckoutSetup("crash-shop.myshopify.com");
    let arrived!: () => void;
    const firstArrival = new Promise<void>((resolve) => (arrived = resolve));
    receiver.respondWith(() => arrived()); // hold the response: the worker is mid-flight
    await sweep(clock);
    // The child worker runs on the real clock.
    await prisma.delivery.updateMany({ data: { nextAttemptAt: new Date(Date.now() - 1000) } });

    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/worker-once.ts"], { env: process.env, stdio: "pipe" });
    let output = "";
    child.stderr.on("data", (chunk) => (output += chunk));
    await Promise.race([firstArrival, new Promise((_, reject) => child.on("exit", (code) => reject(new Error(`worker exited ${code}: ${output}`))))]);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));

    const stranded = await deliveryOf(endpointId);
    expect(stranded).toMatchObject({ status: "in_flight" });
    expect(stranded.attempts).toHaveLength(1);
    expect(stranded.attempts[0]).toMatchObject({ statusCode: null, errorKind: null });

    clock.set(new Date(stranded.lockedUntil!.getTime() + 1000));
    expect(await runWorker(clock)).toBe(1);
    const recovered = await deliveryOf(endpointId);
    expect(recovered).toMatchObject({ status: "succeeded" });
    expect(recovered.attempts.map((a) => a.errorKind)).toEqual(["interrupted", null]);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0].headers["x-idempotency-key"]).toBe(receiver.received[1].headers["x-idempotency-key"]);
    expect(receiver.received[0].body).toBe(receiver.received[1].body);
  });
});
