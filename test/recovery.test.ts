import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import type { BspReceiver } from "./bsp-receiver";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { captureCheckout, connectReceiver, MINUTE, placeOrder, runWorker, shopRow, sweep, TestClock } from "./pipeline";
import { orderWebhookPayload } from "./fixtures";
import { webhookRequest } from "./shopify";

const DAY = 24 * 60 * MINUTE;
const receivers: BspReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** A checkout abandoned and delivered (or not) to a BSP, ready for an order to arrive. */
async function abandoned(shop: string, token: string, { delivered = true } = {}) {
  const checkout = await captureCheckout(shop, { checkoutToken: token, email: `${token}@example.com`, phone: "+91 98765 43210", whatsappOptIn: true });
  const { receiver } = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered"] });
  receivers.push(receiver);
  if (!delivered) receiver.respondWith(500);
  const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
  await sweep(clock);
  await runWorker(clock);
  const event = await prisma.event.findFirstOrThrow({ where: { checkoutId: checkout.id, topic: "abandonedCheckout" } });
  return { checkout, clock, event, receiver };
}

const reload = (id: number) => prisma.checkout.findUniqueOrThrow({ where: { id } });

describe("order attribution", () => {
  it.each([
    ["checkout token", (token: string) => ({ checkout_token: token }), "checkout_token"],
    [
      "our permalink attribute",
      (_t: string, eventId: string) => ({ checkout_token: "another", note_attributes: [{ name: "_cart_relay", value: eventId }] }),
      "permalink",
    ],
    ["the buyer's email", (token: string) => ({ checkout_token: null, email: `${token.toUpperCase()}@EXAMPLE.com`, shipping_address: null }), "email"],
    [
      "the buyer's phone",
      () => ({ checkout_token: null, email: "someone-else@example.com", contact_email: null, customer: null, shipping_address: { phone: "098765 43210" } }),
      "phone",
    ],
  ])("links by %s and counts it recovered when a delivery succeeded first", async (_case, order, matchType) => {
    const shop = `attr-${matchType.replace("_", "-")}.myshopify.com`;
    await prisma.shop.upsert({ where: { domain: shop }, create: { domain: shop, pixelKey: `px-${matchType}`, countryCode: "IN" }, update: {} });
    const { checkout, clock, event, receiver } = await abandoned(shop, `tok-${matchType.replace("_", "-")}`);
    clock.advance(3 * 60 * MINUTE);
    await placeOrder(shop, { created_at: clock.now().toISOString(), ...order(checkout.token, event.id) });
    expect(await reload(checkout.id)).toMatchObject({ status: "recovered", matchType, recoveryDelayMinutes: 180, orderName: "#1001" });
    await runWorker(clock);
    expect(receiver.received.map((r) => r.json.topic)).toEqual(["abandonedCheckout", "checkoutRecovered"]);
  });

  it("counts an order placed before any delivery succeeded as converted, and tells no BSP", async () => {
    const shop = "attr-converted.myshopify.com";
    const { checkout, clock, receiver } = await abandoned(shop, "tok-converted", { delivered: false });
    clock.advance(MINUTE);
    await placeOrder(shop, { checkout_token: checkout.token, created_at: clock.now().toISOString() });
    expect(await reload(checkout.id)).toMatchObject({ status: "converted", matchType: "checkout_token", recoveryDelayMinutes: null });
    clock.advance(60 * MINUTE);
    await runWorker(clock);
    expect(receiver.received).toHaveLength(1);
  });

  it("does not link by contact outside the attribution window", async () => {
    const shop = "attr-window.myshopify.com";
    const { checkout, clock } = await abandoned(shop, "tok-window");
    clock.advance(8 * DAY);
    await placeOrder(shop, { checkout_token: null, email: "tok-window@example.com", created_at: clock.now().toISOString() });
    expect(await reload(checkout.id)).toMatchObject({ status: "abandoned", orderId: null });
  });

  it("does not link by contact a checkout of another shop", async () => {
    const { checkout, clock } = await abandoned("attr-mine.myshopify.com", "tok-mine");
    await prisma.shop.create({ data: { domain: "attr-theirs.myshopify.com", pixelKey: "px-theirs" } });
    await placeOrder("attr-theirs.myshopify.com", { checkout_token: checkout.token, email: "tok-mine@example.com", created_at: clock.now().toISOString() });
    expect(await reload(checkout.id)).toMatchObject({ status: "abandoned", orderId: null });
  });

  it("links an order once, and a checkout keeps its first order", async () => {
    const shop = "attr-once.myshopify.com";
    const { checkout, clock } = await abandoned(shop, "tok-once");
    clock.advance(MINUTE);
    await placeOrder(shop, { checkout_token: checkout.token, created_at: clock.now().toISOString() });
    await placeOrder(shop, { id: 2, name: "#1002", checkout_token: checkout.token, created_at: clock.now().toISOString() });
    expect(await reload(checkout.id)).toMatchObject({ orderName: "#1001" });
    expect(await prisma.event.count({ where: { topic: "checkoutRecovered", shop: { domain: shop } } })).toBe(1);
  });
});

describe("a recovery that cannot be half-recorded", () => {
  const postgres = process.env.DATABASE_URL!.startsWith("postgres");

  // A real failure of the database between the link and the event: inserting a checkoutRecovered event aborts.
  async function failRecoveredEvents() {
    if (postgres) {
      await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_recovered() RETURNS trigger AS $$ BEGIN
        IF NEW.topic = 'checkoutRecovered' THEN RAISE EXCEPTION 'disk I/O error (simulated)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_recovered BEFORE INSERT ON "Event" FOR EACH ROW EXECUTE FUNCTION refuse_recovered()`);
    } else {
      await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_recovered BEFORE INSERT ON "Event" WHEN NEW.topic = 'checkoutRecovered'
        BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`);
    }
  }
  async function healDatabase() {
    await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_recovered${postgres ? ' ON "Event"' : ""}`);
  }

  it("keeps nothing of the link when the event insert fails, and Shopify's retry then links it fully", async () => {
    const shop = "attr-crash.myshopify.com";
    const checkout = await captureCheckout(shop, { checkoutToken: "tok-crash", email: "crash@example.com", whatsappOptIn: true });
    const reached = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered"] });
    const failing = await connectReceiver(await shopRow(shop), { name: "Failing BSP", topics: ["abandonedCheckout"] });
    receivers.push(reached.receiver, failing.receiver);
    failing.receiver.respondWith(500);
    const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
    await sweep(clock);
    await runWorker(clock);
    const pendingRetry = await prisma.delivery.findFirstOrThrow({ where: { endpointId: failing.endpointId } });
    expect(pendingRetry.status).toBe("pending");

    clock.advance(60 * MINUTE);
    const delivery = () =>
      webhookRequest("orders/create", shop, orderWebhookPayload({ checkout_token: "tok-crash", created_at: clock.now().toISOString() }), {
        webhookId: "wh-crash",
      });
    await failRecoveredEvents();
    const crashed = await ordersCreate({ request: delivery(), params: {}, context: {} });
    await healDatabase();
    expect(crashed.status).toBe(500);
    expect(await reload(checkout.id)).toMatchObject({ status: "abandoned", orderId: null, matchType: null });
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: pendingRetry.id } })).toMatchObject({ status: "pending" });
    expect(await prisma.event.count({ where: { topic: "checkoutRecovered", checkoutId: checkout.id } })).toBe(0);
    expect(await prisma.processedWebhook.count({ where: { webhookId: "wh-crash" } })).toBe(0);

    const retried = await ordersCreate({ request: delivery(), params: {}, context: {} });
    expect(retried.status).toBe(200);
    expect(await reload(checkout.id)).toMatchObject({ status: "recovered", matchType: "checkout_token", recoveryDelayMinutes: 60 });
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: pendingRetry.id } })).toMatchObject({ status: "cancelled_converted" });
    expect(await prisma.event.count({ where: { topic: "checkoutRecovered", checkoutId: checkout.id } })).toBe(1);
    await runWorker(clock);
    expect(reached.receiver.received.map((r) => r.json.topic)).toEqual(["abandonedCheckout", "checkoutRecovered"]);
  });
});

describe("abandonment dedupe", () => {
  it("collapses checkouts of the same buyer into the newest and never re-sends inside the window", async () => {
    const shop = "dedupe-shop.myshopify.com";
    const first = await captureCheckout(shop, { checkoutToken: "d-1", email: "same@example.com" });
    const second = await captureCheckout(shop, { checkoutToken: "d-2", email: "SAME@example.com" });
    await prisma.checkout.update({
      where: { id: first.id },
      data: { lastActivityAt: new Date(second.lastActivityAt.getTime() - MINUTE), abandonDueAt: new Date(second.lastActivityAt.getTime() + 9 * MINUTE) },
    });
    const clock = new TestClock(new Date(second.lastActivityAt.getTime() + 11 * MINUTE));
    expect(await sweep(clock)).toMatchObject({ due: 2, sent: 1, collapsed: 1 });
    expect(await reload(first.id)).toMatchObject({ status: "open", collapsedIntoId: second.id, abandonDueAt: null });
    expect(await reload(second.id)).toMatchObject({ status: "abandoned" });

    const third = await captureCheckout(shop, { checkoutToken: "d-3", email: "same@example.com" });
    clock.set(new Date(third.lastActivityAt.getTime() + 11 * MINUTE));
    expect(await sweep(clock)).toMatchObject({ due: 1, sent: 0, suppressed: 1 });
    expect(await reload(third.id)).toMatchObject({ status: "abandoned", collapsedIntoId: second.id });
    expect(await prisma.event.count({ where: { topic: "abandonedCheckout", shop: { domain: shop } } })).toBe(1);
  });
});
