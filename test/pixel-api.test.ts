import { describe, expect, it } from "vitest";
import type { Checkout as PixelCheckout } from "@shopify/web-pixels-extension";
import prisma from "../app/db.server";
import { ensureShop, markUninstalled } from "../app/shops/shop.server";
import { action as capture } from "../app/routes/api.capture";
import { action, loader } from "../app/routes/api.pixel";
import { checkoutEvent } from "../extensions/checkout-pixel/src/fake-events";
import { ingestBody, type SubscribedEvent } from "../extensions/checkout-pixel/src/ingest-body";
import { checkoutOf, snapshot } from "./db";
import { APP_URL, captureRequest } from "./shopify";
import { rawPost, startPublicApiServer } from "./public-api-server";

const SHOP = "pixel-shop.myshopify.com";

interface PixelRequestOptions {
  raw?: string;
  ip?: string;
  stream?: ReadableStream<Uint8Array>;
}

/** POST /api/pixel as the web pixel sends it: text/plain JSON, no credentials. */
function pixelRequest(body: unknown, options: PixelRequestOptions = {}): Request {
  const headers: Record<string, string> = {
    "content-type": "text/plain;charset=UTF-8",
    origin: "https://pixel-shop.myshopify.com",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
  };
  if (options.ip) headers["x-forwarded-for"] = `${options.ip}, 10.0.0.2`;
  return new Request(`${APP_URL}/api/pixel`, {
    method: "POST",
    headers,
    body: options.stream ?? options.raw ?? JSON.stringify(body),
    ...(options.stream ? { duplex: "half" } : {}),
  });
}

async function post(request: Request) {
  const response = await action({ request, params: {}, context: {} });
  return { status: response.status, headers: response.headers, body: await response.json().catch(() => null) };
}

/** What the real pixel would post for this event (its own mapper, not a hand-written body). */
function eventBody(pixelKey: string, name: SubscribedEvent, checkout: Partial<PixelCheckout> = {}, timestamp?: string) {
  return ingestBody(checkoutEvent(name, checkout, timestamp ?? new Date().toISOString()), pixelKey)!;
}

describe("POST /api/pixel", () => {
  it("answers 401 to a wrong, missing or malformed key, or an uninstalled shop's key, and stores nothing", async () => {
    const shop = await ensureShop(SHOP);
    const gone = await ensureShop("gone-shop.myshopify.com");
    await markUninstalled(gone.domain);
    const before = await snapshot();
    for (const [key, message] of [
      ["px_not-a-key-of-any-shop-000000000", "pixelKey is not valid"],
      [undefined, "pixelKey is required"],
      ["", "pixelKey is required"],
      ["short", "pixelKey is not valid"],
      [`${shop.pixelKey}'; drop table`, "pixelKey is not valid"],
      [gone.pixelKey, "pixelKey is not valid"],
    ] as const) {
      const body = { ...eventBody(shop.pixelKey, "checkout_contact_info_submitted"), pixelKey: key };
      const response = await post(pixelRequest(body));
      expect(response.status, String(key)).toBe(401);
      expect(response.body).toEqual({ error: message });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("creates a pixel-only checkout as untrusted: stored, but never abandonable on its own", async () => {
    const shop = await ensureShop(SHOP);
    const response = await post(pixelRequest(eventBody(shop.pixelKey, "checkout_address_info_submitted", { token: "px-only" })));
    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await checkoutOf(SHOP, "px-only")).toMatchObject({
      email: "buyer@example.com",
      emailMarketing: true,
      city: "Rangia",
      zip: "781354",
      phoneE164: "+916000376569",
      currency: "INR",
      sources: "pixel",
      trustedSeen: false,
      whatsappOptIn: null,
      recoveryUrl: null,
      abandonDueAt: null,
      completedHintAt: null,
    });
  });

  it("fills gaps a trusted source left and never overrides what it captured", async () => {
    const shop = await ensureShop(SHOP);
    await capture({
      request: await captureRequest(SHOP, { checkoutToken: "px-merge", email: "typed@example.com", whatsappOptIn: true, shippingAddress: { zip: "411001" } }),
      params: {},
      context: {},
    });
    const later = new Date(Date.now() + 60_000).toISOString();
    const body = eventBody(shop.pixelKey, "payment_info_submitted", { token: "px-merge", email: "spoofed@example.com" }, later);
    // Newer, and with a consent claim only the checkout extension may make: neither wins.
    const response = await post(pixelRequest({ ...body, checkout: { ...body.checkout, whatsappOptIn: false } }));
    expect(response.status).toBe(200);
    const checkout = await checkoutOf(SHOP, "px-merge");
    expect(checkout).toMatchObject({
      email: "typed@example.com",
      whatsappOptIn: true,
      zip: "411001",
      city: "Rangia",
      phoneE164: "+916000376569",
      smsMarketing: true,
      sources: "extension,pixel",
      trustedSeen: true,
    });
    expect(checkout!.fieldSources).toMatchObject({ email: { source: "extension" }, zip: { source: "extension" }, city: { source: "pixel" } });
  });

  it("records checkout_completed only as a hint: no conversion, no new buyer activity", async () => {
    const shop = await ensureShop(SHOP);
    await post(pixelRequest(eventBody(shop.pixelKey, "checkout_contact_info_submitted", { token: "px-done" }, "2026-11-25T04:30:00.000Z")));
    const started = await checkoutOf(SHOP, "px-done");

    const completedAt = new Date(Date.now() - 30_000);
    expect((await post(pixelRequest(eventBody(shop.pixelKey, "checkout_completed", { token: "px-done" }, completedAt.toISOString())))).status).toBe(200);
    const completed = await checkoutOf(SHOP, "px-done");
    expect(completed!.completedHintAt).toEqual(completedAt);
    expect(completed).toMatchObject({ status: "open", orderId: null, lastActivityAt: started!.lastActivityAt });

    // A repeated completion (a reloaded thank-you page) keeps the first hint.
    await post(pixelRequest(eventBody(shop.pixelKey, "checkout_completed", { token: "px-done" })));
    expect((await checkoutOf(SHOP, "px-done"))!.completedHintAt).toEqual(completedAt);
  });

  it.each([
    ["malformed JSON", () => '{"pixelKey": ', "body is not valid JSON"],
    [
      "an unknown event",
      (key: string) => JSON.stringify({ ...eventBody(key, "checkout_started"), event: "page_viewed" }),
      "event must be one of checkout_started, checkout_contact_info_submitted, checkout_address_info_submitted, checkout_shipping_info_submitted, payment_info_submitted, checkout_completed",
    ],
    ["no time", (key: string) => JSON.stringify({ ...eventBody(key, "checkout_started"), occurredAt: undefined }), "occurredAt must be an ISO 8601 date-time"],
    ["no checkout", (key: string) => JSON.stringify({ ...eventBody(key, "checkout_started"), checkout: undefined }), "checkout must be a JSON object"],
    [
      "a quantity that is text",
      (key: string) => {
        const body = eventBody(key, "checkout_started");
        return JSON.stringify({ ...body, checkout: { ...body.checkout, lines: [{ quantity: "two" }] } });
      },
      "checkout.lines.0.quantity must be a number",
    ],
    [
      "a bad checkout token",
      (key: string) => {
        const body = eventBody(key, "checkout_started");
        return JSON.stringify({ ...body, checkout: { ...body.checkout, checkoutToken: "a b" } });
      },
      "checkout.checkoutToken must be 1-255 letters, digits or -_.:?=",
    ],
    [
      "a lone surrogate in the city",
      (key: string) => {
        const body = eventBody(key, "checkout_started");
        return JSON.stringify({ ...body, checkout: { ...body.checkout, shippingAddress: { city: "Pune\ud800" } } });
      },
      "checkout.shippingAddress.city must be valid Unicode text (it contains a lone UTF-16 surrogate)",
    ],
    [
      "a hex total",
      (key: string) => {
        const body = eventBody(key, "checkout_started");
        return JSON.stringify({ ...body, checkout: { ...body.checkout, total: "0x10" } });
      },
      "checkout.total must be a number or a decimal string",
    ],
  ])("answers 400 naming the field for %s and stores nothing", async (_case, raw, message) => {
    const shop = await ensureShop(SHOP);
    const before = await snapshot();
    const response = await post(pixelRequest(null, { raw: raw(shop.pixelKey) }));
    expect(response).toMatchObject({ status: 400, body: { error: message } });
    expect(await snapshot()).toEqual(before);
  });

  it("answers 413 to a body over 64 KB, declared or streamed, and stores nothing", async () => {
    const shop = await ensureShop(SHOP);
    const before = await snapshot();
    const body = eventBody(shop.pixelKey, "checkout_started");
    const huge = { ...body, checkout: { ...body.checkout, attributes: { note: "x".repeat(70_000) } } };
    expect((await post(pixelRequest(huge))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(4096)));
        controller.close();
      },
    });
    const streamed = await post(pixelRequest(null, { stream }));
    expect(streamed).toMatchObject({ status: 413, body: { error: "body must be at most 65536 bytes" } });
    expect(await snapshot()).toEqual(before);
  });

  it("rate-limits one client (key + socket address) before it can use up the shop's share", async () => {
    // Over real HTTP on the lean path: the client is the connection's address, not a header it writes.
    const server = await startPublicApiServer();
    try {
      const shop = await ensureShop("client-burst.myshopify.com");
      const send = (token: string, localAddress: string) =>
        rawPost(`${server.url}/api/pixel`, JSON.stringify(eventBody(shop.pixelKey, "checkout_started", { token })), { localAddress });
      const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => send(`cb-${i}`, "127.0.0.7")));
      const rejected = responses.filter((r) => r.status === 429);
      expect(rejected.length).toBeGreaterThanOrEqual(25);
      expect(rejected[0].body.error).toBe("too many pixel events from this client; retry later");
      expect(Number(rejected[0].headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(rejected[0].headers["access-control-allow-origin"]).toBe("*");
      expect(await prisma.checkout.count({ where: { shop: { domain: shop.domain } } })).toBe(60 - rejected.length);
      // Another buyer of the same shop is unaffected.
      expect((await send("cb-other", "127.0.0.8")).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("rate-limits a shop across clients, storing nothing for rejected requests", async () => {
    const shop = await ensureShop("shop-burst.myshopify.com");
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(pixelRequest(eventBody(shop.pixelKey, "checkout_started", { token: `sb-${i}` }), { ip: `198.18.${i >> 8}.${i & 255}` })),
      ),
    );
    const rejected = responses.filter((r) => r.status === 429);
    expect(rejected.length).toBeGreaterThanOrEqual(50);
    expect(rejected[0].body.error).toBe("too many pixel events for this shop; retry later");
    expect(await prisma.checkout.count({ where: { shop: { domain: shop.domain } } })).toBe(200 - rejected.length);
    const other = await ensureShop("calm-shop.myshopify.com");
    expect((await post(pixelRequest(eventBody(other.pixelKey, "checkout_started", { token: "calm" })))).status).toBe(200);
  });

  it("answers the CORS preflight, and refuses other methods", async () => {
    const preflight = await loader({ request: new Request(`${APP_URL}/api/pixel`, { method: "OPTIONS" }), params: {}, context: {} });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries(preflight.headers)).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "Authorization, Content-Type",
    });
    const get = await loader({ request: new Request(`${APP_URL}/api/pixel`), params: {}, context: {} });
    expect(get.status).toBe(405);
    expect(get.headers.get("access-control-allow-origin")).toBe("*");
  });
});
