import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { loader as listLoader, action as listAction } from "../app/routes/app.deliveries._index/route";
import { loader as detailLoader, action as detailAction } from "../app/routes/app.deliveries.$id/route";
import { sendTestDelivery } from "../app/delivery/send-test.server";
import { setEndpointStatus } from "../app/endpoints/endpoint.server";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import type { BspReceiver } from "./bsp-receiver";
import { snapshot } from "./db";
import { captureCheckout, connectReceiver, MINUTE, placeOrder, runWorker, sweep, TestClock } from "./pipeline";

const SHOP = "log-shop.myshopify.com";
const OTHER = "log-other.myshopify.com";
const DAY = 24 * 60 * MINUTE;
let shop: Shop;
let receiver: BspReceiver;
let endpointId: string;
const receivers: BspReceiver[] = [];

beforeAll(async () => {
  shop = await installShop(SHOP, { timezone: "Asia/Kolkata", currency: "INR" });
  await installShop(OTHER);
  ({ receiver, endpointId } = await connectReceiver(shop, {
    name: "Spur",
    topics: ["abandonedCheckout", "checkoutRecovered"],
    retryPolicy: { mode: "fixed", intervalsMinutes: [1], maxRetries: 0 },
    // Failures days apart would otherwise disable it (72 hours by default).
    disableAfterFailingHours: 720,
  }));
  receivers.push(receiver);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

let buyers = 0;
/** A distinct buyer each time, so the detector's dedupe window never folds one message into another. */
const buyer = () => {
  buyers++;
  return { email: `asha.rao${buyers}@example.com`, phone: `+91 98765 ${String(43210 + buyers).padStart(5, "0")}` };
};

/** A cart message that failed `daysAgo` days ago through the real pipe (capture, detector, worker), its event long expired. */
async function failedCartMessage(token: string, daysAgo: number) {
  const checkout = await captureCheckout(SHOP, { checkoutToken: token, ...buyer(), whatsappOptIn: true });
  const idleSince = new Date(Date.now() - daysAgo * DAY);
  await prisma.checkout.update({ where: { id: checkout.id }, data: { lastActivityAt: idleSince, abandonDueAt: new Date(idleSince.getTime() + 10 * MINUTE) } });
  const clock = new TestClock(new Date(idleSince.getTime() + 11 * MINUTE));
  await sweep(clock);
  // This endpoint's delivery: other tests connect more endpoints to the shop.
  const due = await prisma.delivery.findFirstOrThrow({ where: { event: { checkoutId: checkout.id }, topic: "abandonedCheckout", endpointId } });
  receiver.respondWith(500);
  await runWorker(clock, { deliveryIds: [due.id] });
  const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: due.id } });
  expect(delivery).toMatchObject({ status: "failed", attemptCount: 1 });
  return { checkout, delivery };
}

async function list(query: Record<string, string>, shopDomain = SHOP) {
  return read(await callRoute(listLoader, { request: await adminRequest(shopDomain, "/app/deliveries", { query }) }));
}

async function listAct(json: unknown, shopDomain = SHOP) {
  return read(await callRoute(listAction, { request: await adminRequest(shopDomain, "/app/deliveries", { json }) }));
}

describe("the log", () => {
  it("filters by endpoint, topic, status and dates in the shop's zone", async () => {
    const { delivery } = await failedCartMessage("log-filter", 3);
    await sendTestDelivery(shop, endpointId);

    const all = await list({});
    expect(all.status).toBe(200);
    expect(all.body.deliveries.map((d: { topic: string }) => d.topic)).toEqual(expect.arrayContaining(["test", "abandonedCheckout"]));

    const failed = await list({ status: "failed", topic: "abandonedCheckout", endpointId });
    expect(failed.body.deliveries.map((d: { id: string }) => d.id)).toContain(delivery.id);
    expect(failed.body.deliveries.every((d: { status: string; topic: string }) => d.status === "failed" && d.topic === "abandonedCheckout")).toBe(true);

    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kolkata" }).format(delivery.createdAt);
    const onThatDay = await list({ from: day, to: day });
    expect(onThatDay.body.deliveries.map((d: { id: string }) => d.id)).toEqual([delivery.id]);
    expect((await list({ topic: "test", status: "failed" })).body.deliveries).toEqual([]);
  });

  it("refuses a bad filter with a message naming it", async () => {
    expect(await list({ status: "lost" })).toEqual({
      status: 400,
      body: { ok: false, error: "status must be one of pending, in_flight, succeeded, failed, cancelled_converted, expired, cancelled" },
    });
    expect(await list({ from: "2026-02-30" })).toEqual({ status: 400, body: { ok: false, error: "from must be a date as YYYY-MM-DD" } });
  });

  it("answers another shop's endpoint filter with 404", async () => {
    expect(await list({ endpointId }, OTHER)).toEqual({ status: 404, body: { error: "endpoint not found" } });
    expect((await list({}, OTHER)).body.deliveries).toEqual([]);
  });
});

describe("one delivery", () => {
  it("shows every attempt's headers, status, duration, error and response, with buyer data masked", async () => {
    const { delivery } = await failedCartMessage("log-detail", 2);
    const { status, body } = await read(
      await callRoute(detailLoader, { request: await adminRequest(SHOP, `/app/deliveries/${delivery.id}`), params: { id: delivery.id } }),
    );
    expect(status).toBe(200);
    expect(body.resendable).toBe(true);
    const [attempt] = body.delivery.attempts;
    expect(attempt).toMatchObject({ number: 1, statusCode: 500, errorKind: "http", errorMessage: "HTTP 500", responseExcerpt: '{"received":false}' });
    expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    expect(attempt.requestHeaders).toMatchObject({
      "x-webhook-topic": "abandonedCheckout",
      "x-idempotency-key": delivery.eventId,
      "x-webhook-attempt": "1",
      "x-webhook-signature": "[redacted]",
    });
    const sent = JSON.parse(delivery.body);
    expect(body.delivery.body).toContain(`"phone": "+91******${sent.phone.slice(-4)}"`);
    expect(body.delivery.body).toContain('"email": "as***@example.com"');
    expect(body.delivery.body).not.toContain(sent.phone);
    expect(body.delivery.body).not.toContain(sent.email);
    expect(body.delivery.body).not.toContain(encodeURIComponent(sent.email));
    expect(JSON.stringify(body)).not.toContain(sent.phone.slice(3));
  });

  it("resends a failed delivery with the same event id and body, attempt numbers continuing", async () => {
    const { delivery } = await failedCartMessage("log-resend", 2);
    const before = receiver.received.length;
    const response = await read(
      await callRoute(detailAction, {
        request: await adminRequest(SHOP, `/app/deliveries/${delivery.id}`, { json: { intent: "resend" } }),
        params: { id: delivery.id },
      }),
    );
    expect(response).toEqual({ status: 200, body: { ok: true, error: null } });
    const pending = await prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id }, include: { event: true } });
    expect(pending.status).toBe("pending");
    expect(pending.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now());
    // The event had expired a day ago; the merchant's resend gives it a fresh window.
    expect(pending.event.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 60 * MINUTE);

    await runWorker(new TestClock(new Date()));
    const sent = receiver.received.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].headers).toMatchObject({ "x-idempotency-key": delivery.eventId, "x-webhook-attempt": "2" });
    expect(sent[0].body).toBe(delivery.body);
    expect(sent[0].signatureValid).toBe(true);
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id }, include: { attempts: { orderBy: { number: "asc" } } } })).toMatchObject({
      status: "succeeded",
      attemptCount: 2,
      attempts: [expect.objectContaining({ number: 1, statusCode: 500 }), expect.objectContaining({ number: 2, statusCode: 200 })],
    });
  });

  it("resends a failed test from the list", async () => {
    receiver.respondWith(503);
    const { deliveryId } = await sendTestDelivery(shop, endpointId);
    expect(await listAct({ intent: "resend", deliveryId })).toEqual({ status: 200, body: { ok: true, intent: "resend", resent: 1, error: null } });
    await runWorker(new TestClock(new Date()));
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "succeeded", attemptCount: 2 });
  });

  it("refuses to resend what was delivered, or a cart reminder for a checkout ordered since", async () => {
    const { delivery: done } = await failedCartMessage("log-done", 2);
    await listAct({ intent: "resend", deliveryId: done.id });
    await runWorker(new TestClock(new Date()));
    expect(await listAct({ intent: "resend", deliveryId: done.id })).toEqual({
      status: 400,
      body: { ok: false, error: "only failed or expired deliveries can be resent; this one is succeeded", intent: "resend", resent: 0, kind: "not_resendable" },
    });

    const { checkout, delivery } = await failedCartMessage("log-ordered", 2);
    await placeOrder(SHOP, { id: 990011, checkout_token: checkout.token, created_at: new Date().toISOString() });
    expect(await listAct({ intent: "resend", deliveryId: delivery.id })).toMatchObject({ status: 400, body: { kind: "checkout_completed" } });
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "failed" });
  });
});

describe("resend every failed delivery of an endpoint since a time", () => {
  it("requeues the failed cart messages since then, skipping older ones and ordered checkouts", async () => {
    const own = await connectReceiver(shop, {
      name: "Wati",
      topics: ["abandonedCheckout"],
      retryPolicy: { mode: "fixed", intervalsMinutes: [1], maxRetries: 0 },
      disableAfterFailingHours: 720,
    });
    receivers.push(own.receiver);
    // Only this endpoint's deliveries matter here; the other endpoint is paused so its messages stay out of the way.
    await setEndpointStatus(shop, endpointId, "paused");
    const make = async (token: string, daysAgo: number) => {
      const checkout = await captureCheckout(SHOP, { checkoutToken: token, ...buyer() });
      const idleSince = new Date(Date.now() - daysAgo * DAY);
      await prisma.checkout.update({
        where: { id: checkout.id },
        data: { lastActivityAt: idleSince, abandonDueAt: new Date(idleSince.getTime() + 10 * MINUTE) },
      });
      const clock = new TestClock(new Date(idleSince.getTime() + 11 * MINUTE));
      await sweep(clock);
      own.receiver.respondWith(500);
      await runWorker(clock);
      return checkout;
    };
    const old = await make("bulk-old", 5);
    const recent = await make("bulk-recent", 2);
    const ordered = await make("bulk-ordered", 1);
    await placeOrder(SHOP, { id: 990022, checkout_token: ordered.token, created_at: new Date().toISOString() });
    const since = new Date(Date.now() - 3 * DAY);
    const sinceLocal = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Kolkata", dateStyle: "short", timeStyle: "short" }).format(since).replace(" ", "T");

    const response = await listAct({ intent: "resendFailed", endpointId: own.endpointId, since: sinceLocal });
    expect(response).toEqual({ status: 200, body: { ok: true, intent: "resendFailed", resent: 1, error: null } });
    const statusOf = async (checkoutId: number) =>
      (await prisma.delivery.findFirstOrThrow({ where: { endpointId: own.endpointId, event: { checkoutId } } })).status;
    expect([await statusOf(old.id), await statusOf(recent.id), await statusOf(ordered.id)]).toEqual(["failed", "pending", "failed"]);

    await runWorker(new TestClock(new Date()));
    expect(await statusOf(recent.id)).toBe("succeeded");
    expect(await listAct({ intent: "resendFailed", endpointId: own.endpointId, since: sinceLocal })).toMatchObject({ status: 200, body: { resent: 0 } });
    await setEndpointStatus(shop, endpointId, "active");
  });

  it("refuses a paused endpoint, a malformed time and another shop's endpoint", async () => {
    const paused = await connectReceiver(shop, { name: "Paused" });
    receivers.push(paused.receiver);
    await setEndpointStatus(shop, paused.endpointId, "paused");
    expect(await listAct({ intent: "resendFailed", endpointId: paused.endpointId, since: "2026-01-01T00:00" })).toMatchObject({
      status: 400,
      body: { ok: false, error: "the endpoint is paused; resume it before resending", kind: "endpoint_inactive" },
    });
    expect(await listAct({ intent: "resendFailed", endpointId, since: "yesterday" })).toMatchObject({
      status: 400,
      body: { error: "since must be a date and time such as 2026-03-01T09:00" },
    });
    expect(await listAct({ intent: "resendFailed", endpointId, since: "2026-01-01T00:00" }, OTHER)).toEqual({
      status: 404,
      body: { error: "endpoint not found" },
    });
    expect(await listAct({ intent: "resendEverything" })).toEqual({ status: 400, body: { ok: false, error: "intent must be resend or resendFailed" } });
  });
});

describe("another shop's delivery", () => {
  it("is a 404 for the page, the resend and the list's resend, and nothing changes", async () => {
    const { delivery } = await failedCartMessage("log-cross", 2);
    const page = await read(
      await callRoute(detailLoader, { request: await adminRequest(OTHER, `/app/deliveries/${delivery.id}`), params: { id: delivery.id } }),
    );
    expect(page).toEqual({ status: 404, body: { error: "delivery not found" } });
    const before = await snapshot();
    const resend = await read(
      await callRoute(detailAction, {
        request: await adminRequest(OTHER, `/app/deliveries/${delivery.id}`, { json: { intent: "resend" } }),
        params: { id: delivery.id },
      }),
    );
    expect(resend).toEqual({ status: 404, body: { error: "delivery not found" } });
    expect(await listAct({ intent: "resend", deliveryId: delivery.id }, OTHER)).toEqual({ status: 404, body: { error: "delivery not found" } });
    expect(await snapshot()).toEqual(before);
  });
});
