import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { purgeExpiredData } from "../app/privacy/retention.server";
import { createEmbeddedQueue } from "../app/queue/embedded.server";
import { captureCheckout, connectReceiver, MINUTE, runWorker, shopRow, sweep, TestClock } from "./pipeline";

const DAY = 24 * 60 * MINUTE;

describe("retention", () => {
  it("deletes checkouts, events, deliveries and attempts older than the shop's retention, and nothing newer", async () => {
    const shop = "retention-shop.myshopify.com";
    const old = await captureCheckout(shop, { checkoutToken: "old", email: "old@example.com" });
    const fresh = await captureCheckout(shop, { checkoutToken: "fresh", email: "fresh@example.com" });
    const { receiver } = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout"] });
    const clock = new TestClock(new Date(old.lastActivityAt.getTime() + 11 * MINUTE));
    await sweep(clock);
    await runWorker(clock);
    await receiver.close();
    expect(await prisma.attempt.count({ where: { delivery: { shop: { domain: shop } } } })).toBe(2);

    // The old checkout and its event fall 91 days back; the fresh one stays recent.
    const shopId = (await shopRow(shop)).id;
    await prisma.checkout.update({ where: { id: old.id }, data: { lastActivityAt: new Date(Date.now() - 91 * DAY) } });
    await prisma.event.updateMany({ where: { checkoutId: old.id }, data: { createdAt: new Date(Date.now() - 91 * DAY) } });
    await prisma.processedWebhook.create({ data: { webhookId: "ancient", shop, topic: "ORDERS_CREATE", receivedAt: new Date(Date.now() - 8 * DAY) } });
    await prisma.processedWebhook.create({ data: { webhookId: "recent", shop, topic: "ORDERS_CREATE" } });
    await prisma.buyerOrder.createMany({
      data: [
        { shopId, orderId: "91-days-ago", emailNormalized: "old@example.com", orderCreatedAt: new Date(Date.now() - 91 * DAY) },
        { shopId, orderId: "yesterday", emailNormalized: "fresh@example.com", orderCreatedAt: new Date(Date.now() - DAY) },
      ],
    });
    const exchange = { shopId, customerId: "7001", phoneE164: "+916000376569", operation: "write", status: "done" };
    await prisma.consentSync.createMany({
      data: [
        { ...exchange, state: "SUBSCRIBED", updatedAt: new Date(Date.now() - 91 * DAY) },
        { ...exchange, state: "UNSUBSCRIBED", updatedAt: new Date(Date.now() - DAY) },
      ],
    });

    const report = await purgeExpiredData(new Date());
    expect(report).toEqual({ checkouts: 1, events: 1, dataRequests: 0, buyerOrders: 1, consentSyncs: 1, webhookReceipts: 1 });
    expect(await prisma.buyerOrder.findMany({ where: { shopId }, select: { orderId: true } })).toEqual([{ orderId: "yesterday" }]);
    expect(await prisma.consentSync.findMany({ where: { shopId }, select: { state: true } })).toEqual([{ state: "UNSUBSCRIBED" }]);
    expect(await prisma.checkout.findMany({ where: { shopId }, select: { token: true } })).toEqual([{ token: "fresh" }]);
    expect(await prisma.event.count({ where: { shopId, checkoutId: fresh.id } })).toBe(1);
    expect(await prisma.attempt.count({ where: { delivery: { shopId } } })).toBe(1);
    expect(JSON.stringify(await prisma.delivery.findMany({ where: { shopId } }))).not.toContain("old@example.com");
    expect(await prisma.processedWebhook.findMany({ select: { webhookId: true } })).toEqual([{ webhookId: "recent" }]);
  });

  it("honours a shop's own, shorter retention", async () => {
    const shop = "short-retention.myshopify.com";
    const checkout = await captureCheckout(shop, { checkoutToken: "week-old", email: "w@example.com" });
    await prisma.shop.update({ where: { domain: shop }, data: { retentionDays: 7 } });
    await prisma.checkout.update({ where: { id: checkout.id }, data: { lastActivityAt: new Date(Date.now() - 8 * DAY) } });
    expect((await purgeExpiredData(new Date())).checkouts).toBe(1);
  });

  it("runs on the worker's schedule: the embedded queue purges when it starts and hourly after", async () => {
    const shop = "scheduled-retention.myshopify.com";
    const checkout = await captureCheckout(shop, { checkoutToken: "stale", email: "s@example.com" });
    await prisma.checkout.update({ where: { id: checkout.id }, data: { lastActivityAt: new Date(Date.now() - 100 * DAY) } });
    const queue = createEmbeddedQueue({ pollIntervalMs: 20, workerId: "retention-test" });
    await queue.start();
    for (let i = 0; i < 100 && (await prisma.checkout.count({ where: { id: checkout.id } })) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await queue.stop();
    expect(await prisma.checkout.count({ where: { id: checkout.id } })).toBe(0);
  });
});
