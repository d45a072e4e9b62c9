// Cancellations that land while an attempt is in flight (issue 12): the
// receiver holds the response, the cancellation happens, the receiver then
// fails the attempt (which would be retried), and the delivery must stay
// cancelled: no retry, and no second body under the event's idempotency key.
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action as appUninstalled } from "../app/routes/webhooks.app.uninstalled";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { claimDueDeliveries, deliverClaimed } from "../app/delivery/worker.server";
import { webhookRequest } from "./shopify";
import { customerPayload } from "./fixtures";
import type { BspReceiver } from "./bsp-receiver";
import { captureCheckout, connectReceiver, MINUTE, placeOrder, runWorker, shopRow, sweep, TestClock } from "./pipeline";

const receivers: BspReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function inFlightAbandonedCheckout(shop: string) {
  const checkout = await captureCheckout(shop, { checkoutToken: `tok-${shop}`, email: "asha@example.com", phone: "+91 98765 43210" });
  const { receiver, endpointId } = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered", "integrationStatus"] });
  receivers.push(receiver);
  const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
  await runWorker(clock); // the endpoint's "connected" status goes out first
  expect((await sweep(clock)).sent).toBe(1);
  let arrived!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  let answer!: (status: number) => void;
  const answered = new Promise<number>((resolve) => (answer = resolve));
  receiver.respondWith(async (_delivery, response: ServerResponse) => {
    arrived();
    const status = await answered;
    response.writeHead(status).end("{}");
  });
  const claimed = await claimDueDeliveries("worker-1", clock.now(), 10);
  const attempt = deliverClaimed(claimed, "worker-1", clock);
  await arrival;
  const delivery = await prisma.delivery.findFirstOrThrow({ where: { endpointId, topic: "abandonedCheckout" } });
  expect(delivery.status).toBe("in_flight");
  return {
    receiver,
    endpointId,
    clock,
    deliveryId: delivery.id,
    /** The receiver answers the held attempt with a retryable failure; resolves once the worker recorded it. */
    fail: async () => {
      answer(500);
      await attempt;
    },
  };
}

/** Runs the worker well past every retry of the default policy. */
async function laterPasses(clock: TestClock) {
  for (const minutes of [3, 11, 31, 60]) {
    clock.advance(minutes * MINUTE);
    await runWorker(clock, { workerId: "worker-2" });
  }
}

function bodiesPerKey(receiver: BspReceiver, topic = "abandonedCheckout") {
  const bodies = new Map<string, Set<string>>();
  for (const request of receiver.received.filter((r) => r.headers["x-webhook-topic"] === topic)) {
    const key = String(request.headers["x-idempotency-key"]);
    bodies.set(key, (bodies.get(key) ?? new Set()).add(request.body));
  }
  return [...bodies.values()].map((set) => set.size);
}

describe("a cancellation during an attempt sticks", () => {
  it("customers/redact: the delivery stays cancelled, the answer is not kept, and the redacted body never goes out", async () => {
    const shop = "redact-in-flight.myshopify.com";
    const { receiver, clock, deliveryId, fail } = await inFlightAbandonedCheckout(shop);
    const redact = await customersRedact({
      request: webhookRequest("customers/redact", shop, customerPayload(shop, { email: "asha@example.com" }, { orders_to_redact: [] })),
      params: {},
      context: {},
    });
    expect(redact.status).toBe(200);
    await fail();

    const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attempts: true } });
    expect(delivery).toMatchObject({ status: "cancelled", nextAttemptAt: null, body: '{"redacted":true}' });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 500, errorKind: "http", responseExcerpt: null });

    await laterPasses(clock);
    expect(receiver.received.filter((r) => r.headers["x-webhook-topic"] === "abandonedCheckout")).toHaveLength(1);
    expect(receiver.received.some((r) => r.body.includes('"redacted"'))).toBe(false);
    expect(bodiesPerKey(receiver)).toEqual([1]);
  });

  it("a redacted body is never sent, even if something puts its delivery back to pending", async () => {
    const shop = "redact-requeued.myshopify.com";
    const { receiver, clock, deliveryId, fail } = await inFlightAbandonedCheckout(shop);
    await fail();
    await customersRedact({
      request: webhookRequest("customers/redact", shop, customerPayload(shop, { email: "asha@example.com" }, { orders_to_redact: [] })),
      params: {},
      context: {},
    });
    // The failed attempt had scheduled a retry; redaction cancelled it. Force it due again, as a stray resend would.
    await prisma.delivery.update({ where: { id: deliveryId }, data: { status: "pending", nextAttemptAt: clock.now() } });
    await runWorker(clock, { workerId: "worker-2" });
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "cancelled" });
    expect(receiver.received.filter((r) => r.headers["x-webhook-topic"] === "abandonedCheckout")).toHaveLength(1);
    expect(bodiesPerKey(receiver)).toEqual([1]);
  });

  it("app/uninstalled: the cart message is not retried; the endpoint still hears that the app was uninstalled", async () => {
    const shop = "uninstall-in-flight.myshopify.com";
    const { receiver, clock, deliveryId, fail } = await inFlightAbandonedCheckout(shop);
    const uninstall = await appUninstalled({ request: webhookRequest("app/uninstalled", shop, { id: 1, domain: shop }), params: {}, context: {} });
    expect(uninstall.status).toBe(200);
    await fail();

    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "cancelled", nextAttemptAt: null });
    await laterPasses(clock);
    expect(receiver.received.filter((r) => r.headers["x-webhook-topic"] === "abandonedCheckout")).toHaveLength(1);
    expect(receiver.received.filter((r) => r.headers["x-webhook-topic"] === "integrationStatus").map((r) => r.json.data.status)).toEqual([
      "connected",
      "uninstalled",
    ]);
    expect(bodiesPerKey(receiver)).toEqual([1]);
  });

  it("an order linked meanwhile: the reminder is cancelled as converted, not retried", async () => {
    const shop = "order-in-flight.myshopify.com";
    const { receiver, clock, deliveryId, fail } = await inFlightAbandonedCheckout(shop);
    await placeOrder(shop, { checkout_token: `tok-${shop}`, email: "asha@example.com" });
    await fail();

    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "cancelled_converted", nextAttemptAt: null });
    await laterPasses(clock);
    expect(receiver.received.filter((r) => r.headers["x-webhook-topic"] === "abandonedCheckout")).toHaveLength(1);
    expect(bodiesPerKey(receiver)).toEqual([1]);
  });

  it("a worker whose lease ran out and was taken over records its attempt but leaves the delivery to the new holder", async () => {
    const shop = "lease-lost.myshopify.com";
    const { deliveryId, fail } = await inFlightAbandonedCheckout(shop);
    await prisma.delivery.update({ where: { id: deliveryId }, data: { lockedBy: "worker-2" } });
    await fail();
    const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attempts: true } });
    expect(delivery).toMatchObject({ status: "in_flight", lockedBy: "worker-2", attemptCount: 0 });
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([500]);
  });

  it("an opt-out the intake could not see (a detector pass committing beside it): the worker drops the retry it would have sent", async () => {
    const shop = "optout-in-flight.myshopify.com";
    const { receiver, clock, deliveryId, fail } = await inFlightAbandonedCheckout(shop);
    // The opt-out lands while the attempt is out; its cancellation found nothing pending to cancel.
    const { id: shopId } = await shopRow(shop);
    await prisma.optOut.create({ data: { shopId, phoneE164: "+919876543210", source: "Test BSP", reason: "stop_reply", optedOutAt: clock.now() } });
    await fail();
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "pending" });

    await laterPasses(clock);
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: "cancelled",
      lastErrorKind: "opted_out",
      nextAttemptAt: null,
    });
    expect(receiver.received.filter((r) => r.headers["x-webhook-topic"] === "abandonedCheckout")).toHaveLength(1);
  });
});
