import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { action, loader } from "../app/routes/app.settings/route";
import { sessionStorage } from "../app/shopify.server";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import { snapshot } from "./db";
import { requestText } from "./shopify-admin-double";
import { captureCheckout, MINUTE } from "./pipeline";

// Shopify's library takes globalThis.fetch when it is imported; undici's
// MockAgent reads request bodies only from its own undici's fetch (Node 24's
// built-in fetch is an older undici), so this file's app code gets that one.
await vi.hoisted(async () => {
  const { fetch } = await import("undici");
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
});

/** The variables of the app's webPixelCreate / webPixelUpdate mutations. */
type PixelVariables = { id?: string; webPixel: { settings: string } };

const SHOP = "settings-shop.myshopify.com";
const OTHER = "settings-other.myshopify.com";
let shop: Shop;

beforeAll(async () => {
  shop = await installShop(SHOP);
  await installShop(OTHER);
});

const values = (overrides: Record<string, unknown> = {}) => ({
  abandonAfterMinutes: "10",
  dedupeWindowHours: "24",
  attributionWindowDays: "7",
  retentionDays: "90",
  optInText: "Send me order updates and offers on WhatsApp",
  allowUntrustedEvents: false,
  ...overrides,
});

async function save(form: Record<string, unknown>, shopDomain = SHOP) {
  return read(await callRoute(action, { request: await adminRequest(shopDomain, "/app/settings", { json: { intent: "save", values: form } }) }));
}

describe("settings form", () => {
  it("shows the shop's settings and pixel state", async () => {
    const { status, body } = await read(await callRoute(loader, { request: await adminRequest(SHOP, "/app/settings") }));
    expect(status).toBe(200);
    expect(body.form).toEqual(values());
    expect(body.pixel).toEqual({ active: false, webPixelId: null });
    expect(body.limits.abandonAfterMinutes).toEqual({ min: 1, max: 1440, unit: "minutes" });
  });

  it("saves valid settings for this shop only", async () => {
    const { status, body } = await save(
      values({ dedupeWindowHours: "48", attributionWindowDays: "14", retentionDays: "30", optInText: "  WhatsApp me about my order  " }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, intent: "save", rescheduled: 0 });
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      dedupeWindowHours: 48,
      attributionWindowDays: 14,
      retentionDays: 30,
      optInText: "WhatsApp me about my order",
    });
    expect(await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } })).toMatchObject({ dedupeWindowHours: 24, retentionDays: 90 });
  });

  it("names every bad field and changes nothing", async () => {
    const before = await snapshot();
    const { status, body } = await save(
      values({ abandonAfterMinutes: "0", dedupeWindowHours: "1.5", attributionWindowDays: "31", retentionDays: "soon", optInText: "line one\nline two" }),
    );
    expect(status).toBe(400);
    expect(body.errors).toEqual({
      abandonAfterMinutes: "Abandon after must be at least 1 minute",
      dedupeWindowHours: "Dedupe window must be a whole number",
      attributionWindowDays: "Attribution window must be at most 30 days",
      retentionDays: "Retention must be a number",
      optInText: "Opt-in text must be one line",
    });
    expect(body.error).toMatch(/^5 fields need attention: /);
    expect((await save(values({ abandonAfterMinutes: "1441", optInText: " " }))).body.errors).toEqual({
      abandonAfterMinutes: "Abandon after must be at most 1440 minutes",
      optInText: "Opt-in text is required",
    });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a body that is not the form", async () => {
    const response = await read(await callRoute(action, { request: await adminRequest(SHOP, "/app/settings", { json: { intent: "reset" } }) }));
    expect(response).toEqual({ status: 400, body: { ok: false, error: "intent must be save, activatePixel, rotatePixelKey or recovery" } });
  });
});

describe("changing abandonAfter", () => {
  it("moves the due time of every open checkout of the shop, and only those", async () => {
    const open = await captureCheckout(SHOP, { checkoutToken: "due-open", email: "due@example.com", phone: "+91 98765 11111" });
    const noContact = await captureCheckout(SHOP, { checkoutToken: "due-none" });
    const pixelOnly = await prisma.checkout.create({
      data: {
        shopId: shop.id,
        token: "due-pixel",
        email: "pixel@example.com",
        emailNormalized: "pixel@example.com",
        trustedSeen: false,
        sources: "pixel",
        lastActivityAt: new Date(),
      },
    });
    const abandoned = await prisma.checkout.create({
      data: {
        shopId: shop.id,
        token: "due-abandoned",
        email: "gone@example.com",
        emailNormalized: "gone@example.com",
        trustedSeen: true,
        status: "abandoned",
        lastActivityAt: new Date(),
        abandonedAt: new Date(),
      },
    });
    const theirs = await captureCheckout(OTHER, { checkoutToken: "due-theirs", email: "theirs@example.com" });
    const dueOf = async (id: number) => (await prisma.checkout.findUniqueOrThrow({ where: { id } })).abandonDueAt?.getTime() ?? null;
    expect(await dueOf(open.id)).toBe(open.lastActivityAt.getTime() + 10 * MINUTE);

    const { status, body } = await save(values({ abandonAfterMinutes: "45" }));
    expect(status).toBe(200);
    expect(body.rescheduled).toBe(1);
    expect(await dueOf(open.id)).toBe(open.lastActivityAt.getTime() + 45 * MINUTE);
    expect([await dueOf(noContact.id), await dueOf(pixelOnly.id), await dueOf(abandoned.id)]).toEqual([null, null, null]);
    expect(await dueOf(theirs.id)).toBe(theirs.lastActivityAt.getTime() + 10 * MINUTE);

    // Letting pixel-only checkouts through makes them due as well.
    expect((await save(values({ abandonAfterMinutes: "45", allowUntrustedEvents: true }))).body.rescheduled).toBe(1);
    expect(await dueOf(pixelOnly.id)).toBe(pixelOnly.lastActivityAt.getTime() + 45 * MINUTE);
    await save(values());
    expect(await dueOf(open.id)).toBe(open.lastActivityAt.getTime() + 10 * MINUTE);
    expect(await dueOf(pixelOnly.id)).toBeNull();
  });
});

describe("pixel activation", () => {
  // Plays Shopify's Admin GraphQL API at the shop's own host: the app's real
  // admin client sends the request, with the stored session's access token.
  let previous: Dispatcher | null = null;
  afterEach(async () => {
    if (previous) setGlobalDispatcher(previous);
    previous = null;
  });

  function shopifyAdminApi(answer: (body: { query: string; variables?: PixelVariables }) => unknown) {
    const calls: { query: string; variables?: PixelVariables; token: string | undefined }[] = [];
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(`https://${SHOP}`)
      .intercept({ path: "/admin/api/2026-10/graphql.json", method: "POST" })
      .reply(
        200,
        (request) => {
          const body = JSON.parse(requestText(request.body)) as { query: string; variables?: PixelVariables };
          const headers = request.headers as Record<string, string>;
          calls.push({ ...body, token: headers["X-Shopify-Access-Token"] ?? headers["x-shopify-access-token"] });
          return answer(body);
        },
        { headers: { "content-type": "application/json" } },
      )
      .persist();
    previous = getGlobalDispatcher();
    setGlobalDispatcher(agent);
    return calls;
  }

  it("creates the web pixel with the shop's key and our ingest URL, and stores its id", async () => {
    const calls = shopifyAdminApi(() => ({
      data: { webPixelCreate: { webPixel: { id: "gid://shopify/WebPixel/777", settings: "{}" }, userErrors: [] } },
    }));
    const { status, body } = await read(await callRoute(action, { request: await adminRequest(SHOP, "/app/settings", { json: { intent: "activatePixel" } }) }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, pixel: { action: "created", webPixelId: "gid://shopify/WebPixel/777" } });
    expect(calls).toHaveLength(1);
    expect(calls[0].query).toContain("webPixelCreate");
    expect(JSON.parse(calls[0].variables!.webPixel.settings)).toEqual({ pixelKey: shop.pixelKey, ingestUrl: "https://cart-relay.test/api/pixel" });
    const session = await sessionStorage.loadSession(`offline_${SHOP}`);
    expect(calls[0].token).toBe(session!.accessToken);
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ webPixelId: "gid://shopify/WebPixel/777" });
    const page = await read(await callRoute(loader, { request: await adminRequest(SHOP, "/app/settings") }));
    expect(page.body.pixel).toEqual({ active: true, webPixelId: "gid://shopify/WebPixel/777" });
  });

  it("shows Shopify's refusal and keeps what was stored", async () => {
    shopifyAdminApi(() => ({
      data: {
        webPixelUpdate: { webPixel: null, userErrors: [{ code: "INVALID_SETTINGS", field: ["webPixel", "settings"], message: "Settings are invalid" }] },
      },
    }));
    const { status, body } = await read(await callRoute(action, { request: await adminRequest(SHOP, "/app/settings", { json: { intent: "activatePixel" } }) }));
    expect(status).toBe(502);
    expect(body).toMatchObject({ ok: false, error: "webPixelUpdate failed: webPixel.settings: Settings are invalid (INVALID_SETTINGS)" });
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ webPixelId: "gid://shopify/WebPixel/777" });
  });

  it("rotates the pixel key: Shopify gets the new key first, and the old one stops working", async () => {
    const before = await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    const calls = shopifyAdminApi((body) => ({
      data: { webPixelUpdate: { webPixel: { id: "gid://shopify/WebPixel/777", settings: body.variables!.webPixel.settings }, userErrors: [] } },
    }));
    const { status, body } = await read(
      await callRoute(action, { request: await adminRequest(SHOP, "/app/settings", { json: { intent: "rotatePixelKey" } }) }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true });
    const after = await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.pixelKey).not.toBe(before.pixelKey);
    expect(JSON.parse(calls[0].variables!.webPixel.settings).pixelKey).toBe(after.pixelKey);
  });
});
