// Scale mode: two web processes (the built server) on one PostgreSQL and one
// Redis. A buyer's budget holds across them, and captures of one checkout
// sent to both merge without losing a field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../app-server";
import { captureRequest, checkoutSessionToken } from "../shopify";
import { checkoutOf } from "../db";
import { startRedis, type ThrowawayRedis } from "../../scripts/throwaway-servers";
import { requirePostgres } from "./harness";

requirePostgres();

describe("capture across two web processes", () => {
  let redis: ThrowawayRedis;
  let servers: AppServer[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    servers = await Promise.all([0, 1].map(() => startAppServer({ REDIS_URL: redis.url, CART_RELAY_EMBEDDED_WORKER: "false" })));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  });

  it("holds one buyer's budget across processes (Redis), not once per process", async () => {
    const shop = "two-webs.myshopify.com";
    const token = await checkoutSessionToken(shop);
    const requests = await Promise.all(
      Array.from({ length: 100 }, (_, i) => captureRequest(shop, { checkoutToken: `two-webs-${i}` }, { token, baseUrl: servers[i % 2].url })),
    );
    const statuses = await Promise.all(requests.map(async (request) => (await fetch(request)).status));
    const accepted = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    // 30 per session in the window; each process alone would have let 30 through.
    expect(accepted).toBeGreaterThanOrEqual(25);
    expect(accepted).toBeLessThanOrEqual(35);
  });

  it("merges concurrent captures of one checkout sent to both processes", async () => {
    const shop = "merge-webs.myshopify.com";
    const fields = [
      { email: "both@example.com" },
      { phone: "+14155550100" },
      { shippingAddress: { city: "Pune" } },
      { shippingAddress: { zip: "411001" } },
      { locale: "en-IN" },
      { currency: "INR" },
    ];
    const requests = await Promise.all(
      fields.map((values, i) => captureRequest(shop, { checkoutToken: "shared-checkout", ...values }, { baseUrl: servers[i % 2].url })),
    );
    expect(await Promise.all(requests.map(async (request) => (await fetch(request)).status))).toEqual(Array(6).fill(200));
    expect(await checkoutOf(shop, "shared-checkout")).toMatchObject({
      email: "both@example.com",
      phone: "+14155550100",
      city: "Pune",
      zip: "411001",
      locale: "en-IN",
      currency: "INR",
    });
  });
});
