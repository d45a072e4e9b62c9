import { beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { loader as appLoader } from "../app/routes/app";
import { loader } from "../app/routes/app._index/route";
import { rate } from "../app/metrics/dashboard";
import { adminDocumentUrl, adminIdToken, adminRequest, callRoute, installShop, read } from "./admin-session";
import { seedDashboard, storedEndpoint } from "./admin-fixtures";
import { BROWSER_USER_AGENT } from "./shopify";

const SHOP = "dash-shop.myshopify.com";
const FIXTURE_QUERY = { range: "custom", from: "2026-03-01", to: "2026-03-03" };

let shop: Shop;
let seeded: Awaited<ReturnType<typeof seedDashboard>>;

beforeAll(async () => {
  shop = await installShop(SHOP, { currency: "INR", timezone: "Asia/Kolkata" });
  seeded = await seedDashboard(shop);
});

async function dashboard(query: Record<string, string>, shopDomain = SHOP) {
  return read(await callRoute(loader, { request: await adminRequest(shopDomain, "/app", { query }) }));
}

describe("authentication", () => {
  it("answers a fetch without a valid session token with 401, and never with data", async () => {
    const forged = await adminIdToken(SHOP, { secret: "not-the-app-secret" });
    expect((await callRoute(loader, { request: await adminRequest(SHOP, "/app", { token: forged }) })).status).toBe(401);
    const expired = await adminIdToken(SHOP, { expiresIn: -120 });
    expect((await callRoute(loader, { request: await adminRequest(SHOP, "/app", { token: expired }) })).status).toBe(401);
  });

  it("sends a document request without shop and token to the login page", async () => {
    const response = await callRoute(loader, { request: new Request("https://cart-relay.test/app", { headers: { "user-agent": BROWSER_USER_AGENT } }) });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/login");
  });

  it("serves the document request Shopify's admin makes, with the id_token in the URL", async () => {
    const request = new Request(await adminDocumentUrl(SHOP, "/app"), { headers: { "user-agent": BROWSER_USER_AGENT } });
    const layout = await read(await callRoute(appLoader, { request }));
    expect(layout).toEqual({ status: 200, body: { apiKey: "test-api-key" } });
    const { status, body } = await read(
      await callRoute(loader, { request: new Request(await adminDocumentUrl(SHOP, "/app"), { headers: { "user-agent": BROWSER_USER_AGENT } }) }),
    );
    expect(status).toBe(200);
    expect(body.metrics.range.timeZone).toBe("Asia/Kolkata");
  });
});

describe("dashboard numbers from stored rows", () => {
  it("counts the fixture's cohort exactly, all endpoints", async () => {
    const { status, body } = await dashboard(FIXTURE_QUERY);
    expect(status).toBe(200);
    expect(body.filters).toEqual({ range: "custom", from: "2026-03-01", to: "2026-03-03", endpoint: "" });
    expect(body.metrics.checkouts).toEqual({
      captured: 6,
      abandoned: 5,
      abandonmentRate: rate(5, 6),
      reachable: rate(3, 5),
      optIn: { whatsapp: rate(2, 3), sms: rate(1, 3), email: rate(2, 3) },
    });
    expect(body.metrics.deliveries).toMatchObject({
      eventsSent: 5,
      attempted: 8,
      succeeded: 5,
      finished: 7,
      successRate: rate(5, 7),
      retrying: 1,
      notAttempted: { cancelled_converted: 1 },
      timeToFirstSuccess: { deliveries: 4, p50Ms: 5_000, p95Ms: 130_000 },
    });
    expect(body.metrics.deliveries.failuresByReason.map((f: { reason: string; attempts: number }) => [f.reason, f.attempts])).toEqual([
      ["http_500", 3],
      ["http_404", 1],
      ["http_503", 1],
      ["network", 1],
      ["timeout", 1],
    ]);
    expect(body.metrics.recovery).toEqual({
      base: 5,
      recovered: 3,
      rate: rate(3, 5),
      revenue: { currency: "INR", amount: "1900.25", orders: 2 },
      otherCurrencies: [{ currency: "USD", amount: "250.50", orders: 1 }],
    });
    expect(body.metrics.daily).toEqual([
      { day: "2026-03-01", captured: 2, abandoned: 2, recovered: 1 },
      { day: "2026-03-02", captured: 2, abandoned: 1, recovered: 0 },
      { day: "2026-03-03", captured: 2, abandoned: 2, recovered: 2 },
    ]);
  });

  it("narrows to one endpoint", async () => {
    const { body } = await dashboard({ ...FIXTURE_QUERY, endpoint: seeded.endpoints.A.id });
    expect(body.filters.endpoint).toBe(seeded.endpoints.A.id);
    expect(body.metrics.deliveries).toMatchObject({ eventsSent: 4, attempted: 4, succeeded: 3, successRate: rate(3, 4) });
    expect(body.metrics.recovery).toMatchObject({ base: 4, recovered: 2, revenue: { currency: "INR", amount: "1800.00", orders: 1 } });
    expect(body.endpoints.map((e: { name: string }) => e.name)).toEqual(["Spur", "Wati"]);
  });

  it("answers another shop's endpoint id with 404", async () => {
    const other = await installShop("dash-other.myshopify.com");
    const theirs = await storedEndpoint(other, "Theirs");
    const { status, body } = await dashboard({ ...FIXTURE_QUERY, endpoint: theirs.id });
    expect(status).toBe(404);
    expect(body).toEqual({ error: "endpoint not found" });
  });

  it("keeps working on a bad date range, saying what was wrong", async () => {
    const { status, body } = await dashboard({ range: "custom", from: "2026-03-05", to: "2026-03-01" });
    expect(status).toBe(200);
    expect(body.rangeError).toBe("to must not be before the start date");
    expect(body.filters.range).toBe("30d");
  });

  it("shows the setup checklist until every step is done", async () => {
    const { body } = await dashboard(FIXTURE_QUERY);
    // The fixture holds a succeeded test delivery and active endpoints, nothing from the extension, no pixel.
    expect(body.onboarding).toMatchObject({ done: 2, complete: false, isNewShop: false });
    expect(body.onboarding.steps.map((s: { id: string; done: boolean }) => [s.id, s.done])).toEqual([
      ["extension", false],
      ["pixel", false],
      ["endpoint", true],
      ["test", true],
    ]);
    await prisma.checkout.updateMany({ where: { shopId: shop.id, id: seeded.checkoutIds.get(1) }, data: { sources: "extension,webhook" } });
    await prisma.shop.update({ where: { id: shop.id }, data: { webPixelId: "gid://shopify/WebPixel/1" } });
    const after = await dashboard(FIXTURE_QUERY);
    expect(after.body.onboarding).toMatchObject({ done: 4, complete: true });
  });

  it("greets a new shop with an empty state and nothing counted", async () => {
    await installShop("dash-new.myshopify.com");
    const { status, body } = await dashboard({}, "dash-new.myshopify.com");
    expect(status).toBe(200);
    expect(body.onboarding).toMatchObject({ isNewShop: true, done: 0, complete: false });
    expect(body.metrics.checkouts.captured).toBe(0);
    expect(body.metrics.daily).toHaveLength(30);
    expect(body.endpoints).toEqual([]);
  });

  it("never counts another shop's rows", async () => {
    const { body } = await dashboard(FIXTURE_QUERY, "dash-other.myshopify.com");
    expect(body.metrics.checkouts.captured).toBe(0);
    expect(await prisma.checkout.count({ where: { shopId: shop.id } })).toBe(8);
  });
});
