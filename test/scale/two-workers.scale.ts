import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { freeLoopbackPort, startRedis, type ThrowawayRedis } from "../../scripts/throwaway-servers";
import type { BspReceiver } from "../bsp-receiver";
import { captureCheckout, connectReceiver, placeOrder, shopRow } from "../pipeline";
import { killAllWorkers, requirePostgres, startWorker, waitFor } from "./harness";

requirePostgres();

let redis: ThrowawayRedis;
const receivers: BspReceiver[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await killAllWorkers();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await redis?.stop();
});

let buyers = 0;
async function captureDue(shop: string, prefix: string, count: number) {
  for (let i = 0; i < count; i++) {
    const buyer = buyers++;
    await captureCheckout(shop, {
      checkoutToken: `${prefix}-${i}`,
      email: `${prefix}${i}@example.com`,
      phone: `+91 98765 ${String(10000 + buyer)}`, // distinct buyers: no dedupe
      lines: [{ variantId: "45515259445425", title: "Jordans", quantity: 1, unitPrice: 500, linePrice: 500 }],
      currency: "INR",
      total: 500,
    });
  }
  // Idle long enough: due now.
  await prisma.checkout.updateMany({
    where: { shop: { domain: shop }, token: { startsWith: `${prefix}-` } },
    data: { abandonDueAt: new Date(Date.now() - 1000) },
  });
}

describe("scale mode: PostgreSQL, Redis and two `npm run worker` processes", () => {
  it("detects on the cluster-wide scheduler and delivers every event once, signed; an order's checkoutRecovered follows; SIGTERM finishes in-flight attempts", async () => {
    const shop = "scale-shop.myshopify.com";
    await captureDue(shop, "scale", 30);
    const { receiver } = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered"] });
    receivers.push(receiver);

    const env = { REDIS_URL: redis.url };
    const workers = [startWorker("a", env), startWorker("b", env, ["--concurrency", "4"])];
    const delivered = () => prisma.delivery.count({ where: { shop: { domain: shop }, status: "succeeded" } });
    await waitFor("30 abandonedCheckout deliveries", async () => (await delivered()) === 30 || `${await delivered()} delivered`, 90_000);

    const events = await prisma.event.findMany({ where: { shop: { domain: shop }, topic: "abandonedCheckout" } });
    expect(events).toHaveLength(30);
    expect(receiver.received).toHaveLength(30);
    expect(new Set(receiver.received.map((r) => r.headers["x-idempotency-key"]))).toEqual(new Set(events.map((e) => e.id)));
    expect(receiver.received.every((r) => r.signatureValid && r.headers["x-webhook-attempt"] === "1")).toBe(true);
    expect(await prisma.checkout.count({ where: { shop: { domain: shop }, token: { startsWith: "scale-" }, status: "abandoned" } })).toBe(30);

    const [converted] = await prisma.checkout.findMany({ where: { shop: { domain: shop }, token: "scale-7" } });
    await placeOrder(shop, { checkout_token: converted.token, created_at: new Date().toISOString() });
    await waitFor("the checkoutRecovered delivery", async () => receiver.received.some((r) => r.headers["x-webhook-topic"] === "checkoutRecovered"), 60_000);
    const recovered = receiver.received.filter((r) => r.headers["x-webhook-topic"] === "checkoutRecovered");
    expect(recovered).toHaveLength(1);
    expect(recovered[0].json).toMatchObject({ topic: "checkoutRecovered", cartId: converted.id, recovery: { matchType: "checkout_token" } });

    // Slow answers keep attempts in flight while the workers are told to stop.
    let holding = 0;
    receiver.respondWith(
      ...Array.from({ length: 10 }, () => async (_d: unknown, response: import("node:http").ServerResponse) => {
        holding++;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        response.writeHead(200).end("{}");
      }),
    );
    await captureDue(shop, "late", 10);
    await waitFor("attempts in flight", async () => holding > 0, 30_000, 20);
    const stopped = await Promise.all(workers.map((worker) => worker.kill("SIGTERM")));
    expect(stopped, workers.map((w) => w.output()).join("\n")).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);

    expect(await prisma.delivery.count({ where: { shop: { domain: shop }, status: "in_flight" } })).toBe(0);
    expect(await prisma.attempt.count({ where: { delivery: { shop: { domain: shop } }, statusCode: null, errorKind: null } })).toBe(0);
    const sentLate = receiver.received.filter((r) => String(r.json?.email ?? "").startsWith("late")).length;
    expect(sentLate).toBeGreaterThan(0);
    // Every attempt that reached the BSP before the stop was recorded as a success, none left for a resend.
    expect(await prisma.delivery.count({ where: { shop: { domain: shop }, status: "succeeded", event: { payload: { contains: '"late' } } } })).toBe(sentLate);

    // What was not sent yet waits in the database and goes out when a worker is back.
    const healthPort = await freeLoopbackPort();
    const restarted = startWorker("c", { ...env, CART_RELAY_WORKER_HEALTH_PORT: String(healthPort) });
    await waitFor("the late checkouts", async () => (await delivered()) === 41 || `${await delivered()} delivered`, 90_000);
    // Stopped once it runs (a process killed while still loading its modules dies of the signal, which proves nothing).
    await waitFor("the restarted worker's health", async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz`).catch(() => null))?.ok === true, 30_000);
    expect(new Set(receiver.received.map((r) => r.headers["x-idempotency-key"])).size).toBe(receiver.received.length);
    expect(await restarted.kill("SIGTERM")).toEqual({ code: 0, signal: null });
  }, 300_000);
});
