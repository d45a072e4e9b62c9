import { describe, expect, it } from "vitest";
import { action, loader } from "../app/routes/api.capture";
import { captureRequest, checkoutSessionToken } from "./shopify";
import { checkoutOf, snapshot } from "./db";
import prisma from "../app/db.server";

const SHOP = "capture-shop.myshopify.com";
const OTHER_SHOP = "other-shop.myshopify.com";

const post = async (request: Request) => {
  const response = await action({ request, params: {}, context: {} });
  return { status: response.status, headers: response.headers, body: await response.json().catch(() => null) };
};

const fullCapture = {
  checkoutToken: "tok-full-1",
  email: "Asha@Example.com",
  phone: "098765 43210",
  whatsappOptIn: true,
  emailMarketing: false,
  shippingAddress: { firstName: "Asha", lastName: "Rao", city: "Pune", zip: "411001", countryCode: "in" },
  lines: [{ variantId: "4551", title: "Jordans", quantity: 2, unitPrice: 500, linePrice: 1000 }],
  currency: "inr",
  subtotal: 1000,
  total: 900,
  totalDiscount: 100,
  discountCodes: ["SAVE100"],
};

describe("POST /api/capture", () => {
  it("creates a checkout, then a partial update keeps every earlier field", async () => {
    const created = await post(await captureRequest(SHOP, fullCapture));
    expect(created.status).toBe(200);
    expect(created.headers.get("access-control-allow-origin")).toBe("*");

    const updated = await post(await captureRequest(SHOP, { checkoutToken: "tok-full-1", zip: undefined, shippingAddress: { address1: "12 MG Road" } }));
    expect(updated.status).toBe(200);
    expect(updated.body.checkoutId).toBe(created.body.checkoutId);

    const checkout = await checkoutOf(SHOP, "tok-full-1");
    expect(checkout).toMatchObject({
      email: "Asha@Example.com",
      emailNormalized: "asha@example.com",
      phone: "098765 43210",
      phoneE164: "+919876543210",
      whatsappOptIn: true,
      emailMarketing: false,
      smsMarketing: null,
      firstName: "Asha",
      city: "Pune",
      zip: "411001",
      countryCode: "IN",
      address1: "12 MG Road",
      currency: "INR",
      sources: "extension",
      trustedSeen: true,
      status: "open",
    });
    expect(checkout!.total!.toString()).toBe("900");
    expect(checkout!.lines).toEqual([expect.objectContaining({ variantId: "4551", quantity: 2 })]);
    expect(checkout!.discountCodes).toEqual(["SAVE100"]);
    expect(checkout!.abandonDueAt!.getTime()).toBe(checkout!.lastActivityAt.getTime() + 10 * 60_000);
  });

  it("stores a checkout from a ZIP alone, without making it abandonable", async () => {
    expect((await post(await captureRequest(SHOP, { checkoutToken: "tok-zip", shippingAddress: { zip: "560001" } }))).status).toBe(200);
    expect(await checkoutOf(SHOP, "tok-zip")).toMatchObject({ zip: "560001", email: null, abandonDueAt: null });
  });

  it("is idempotent on replays: the same body twice changes nothing the second time", async () => {
    const body = { checkoutToken: "tok-replay", email: "r@example.com", occurredAt: new Date().toISOString() };
    await post(await captureRequest(SHOP, body));
    const before = await snapshot();
    expect((await post(await captureRequest(SHOP, body))).status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["no token", { token: null }, "unauthorized: the signature or session token is missing or invalid"],
    ["a token signed with another secret", { secret: "not-the-app-secret" }, "unauthorized: the signature or session token is missing or invalid"],
    ["an expired token", { expiresIn: -120 }, "unauthorized: the signature or session token is missing or invalid"],
    ["a token minted for another app", { apiKey: "another-app" }, "session token is for another app"],
    ["a token whose dest is not a shop", { claims: { dest: "https://evil.example.com" } }, "session token dest is not a shop"],
  ])("answers 401 to %s and stores nothing", async (_case, options, message) => {
    const before = await snapshot();
    const response = await post(await captureRequest(SHOP, { checkoutToken: "tok-401", email: "x@example.com" }, options));
    expect(response.status).toBe(401);
    if (response.body) expect(response.body.error).toBe(message);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["malformed JSON", { body: '{"checkoutToken": "t",' }, "body is not valid JSON"],
    ["a JSON array", { body: "[1,2]" }, "body must be a JSON object"],
    ["no checkout token", { body: JSON.stringify({ email: "a@b.co" }) }, "checkoutToken is required"],
    ["a token with spaces", { body: JSON.stringify({ checkoutToken: "a b" }) }, "checkoutToken must be 1-255 letters, digits or -_.:?="],
    ["a quantity that is text", { body: JSON.stringify({ checkoutToken: "t1", lines: [{ quantity: "two" }] }) }, "lines.0.quantity must be a number"],
    ["a negative total", { body: JSON.stringify({ checkoutToken: "t1", total: -1 }) }, "total must not be negative"],
    ["a non-boolean opt-in", { body: JSON.stringify({ checkoutToken: "t1", whatsappOptIn: "yes" }) }, "whatsappOptIn must be true or false"],
    [
      "a javascript: image URL",
      { body: JSON.stringify({ checkoutToken: "t1", lines: [{ quantity: 1, imageUrl: "javascript:alert(1)" }] }) },
      "lines.0.imageUrl must be an http(s) URL",
    ],
  ])("answers 400 naming the field for %s and stores nothing", async (_case, options, message) => {
    await post(await captureRequest(SHOP, { checkoutToken: "t1", email: "keep@example.com" }));
    const before = await snapshot();
    const response = await post(await captureRequest(SHOP, null, options));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(message);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 413 to a body over 64 KB, whatever Content-Length says", async () => {
    const before = await snapshot();
    const huge = JSON.stringify({ checkoutToken: "big", attributes: { note: "x".repeat(70_000) } });
    const declared = await post(await captureRequest(SHOP, null, { body: huge }));
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe("body must be at most 65536 bytes");

    const token = await checkoutSessionToken(SHOP);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(4096)));
        controller.close();
      },
    });
    const streamed = new Request("https://cart-relay.test/api/capture", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" },
      body: chunks,
      duplex: "half",
    });
    expect((await post(streamed)).status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it("answers the CORS preflight without authentication", async () => {
    const response = await loader({
      request: new Request("https://cart-relay.test/api/capture", { method: "OPTIONS" }),
      params: {},
      context: {},
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "Authorization, Content-Type",
    });
  });

  it("keys checkouts by shop: one shop's token never touches another shop's checkout", async () => {
    await post(await captureRequest(SHOP, { checkoutToken: "shared-token", email: "a-shop@example.com" }));
    await post(await captureRequest(OTHER_SHOP, { checkoutToken: "shared-token", email: "b-shop@example.com", phone: "+14155550100" }));
    expect(await checkoutOf(SHOP, "shared-token")).toMatchObject({ email: "a-shop@example.com", phone: null });
    expect(await checkoutOf(OTHER_SHOP, "shared-token")).toMatchObject({ email: "b-shop@example.com" });
  });

  it("takes the shop from the verified token, never from the body", async () => {
    const response = await post(await captureRequest(SHOP, { checkoutToken: "tok-shop-body", shop: OTHER_SHOP, email: "s@example.com" }));
    expect(response.status).toBe(200);
    expect(await checkoutOf(SHOP, "tok-shop-body")).not.toBeNull();
    expect(await checkoutOf(OTHER_SHOP, "tok-shop-body")).toBeNull();
  });

  it("answers 429 with Retry-After once a shop is over its rate, storing nothing for rejected requests", async () => {
    const shop = "burst-shop.myshopify.com";
    // Many buyers (a session token each), so the shop's budget is what runs out.
    const requests = await Promise.all(Array.from({ length: 200 }, (_, i) => captureRequest(shop, { checkoutToken: `burst-${i}` })));
    const responses = await Promise.all(requests.map(post));
    const accepted = responses.filter((r) => r.status === 200);
    const rejected = responses.filter((r) => r.status === 429);
    expect(accepted.length + rejected.length).toBe(200);
    expect(rejected.length).toBeGreaterThanOrEqual(50);
    expect(rejected[0].body.error).toBe("too many captures for this shop; retry later");
    expect(Number(rejected[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await prisma.checkout.count({ where: { shop: { domain: shop } } })).toBe(accepted.length);
    // Another shop is unaffected.
    expect((await post(await captureRequest(OTHER_SHOP, { checkoutToken: "unaffected" }))).status).toBe(200);
  });

  it("gives each buyer session its own budget under the shop's: one busy buyer does not refuse another", async () => {
    const shop = "busy-buyer.myshopify.com";
    const busy = await checkoutSessionToken(shop);
    const requests = await Promise.all(
      Array.from({ length: 60 }, (_, i) => captureRequest(shop, { checkoutToken: "busy", shippingAddress: { zip: String(i) } }, { token: busy })),
    );
    const rejected = (await Promise.all(requests.map(post))).filter((r) => r.status === 429);
    expect(rejected.length).toBeGreaterThanOrEqual(25);
    expect(rejected[0].body.error).toBe("too many captures from this checkout; retry later");
    expect((await post(await captureRequest(shop, { checkoutToken: "calm", email: "calm@example.com" }))).status).toBe(200);
  });

  it("charges no budget for a body it refuses: a malformed flood from one buyer leaves another's captures alone", async () => {
    const shop = "flooded-shop.myshopify.com";
    const flooder = await checkoutSessionToken(shop);
    const flood = await Promise.all(Array.from({ length: 300 }, () => captureRequest(shop, null, { token: flooder, body: '{"checkoutToken": ' })));
    const floodAnswers = await Promise.all(flood.map(post));
    expect(new Set(floodAnswers.map((r) => r.status))).toEqual(new Set([400]));
    const buyer = await checkoutSessionToken(shop);
    const captures = await Promise.all(
      Array.from({ length: 12 }, (_, i) => captureRequest(shop, { checkoutToken: "real-buyer", shippingAddress: { zip: `4110${i}` } }, { token: buyer })),
    );
    expect((await Promise.all(captures.map(post))).map((r) => r.status)).toEqual(Array(12).fill(200));
    // The flooder's own valid capture still goes through: its refused bodies cost it nothing either.
    expect((await post(await captureRequest(shop, { checkoutToken: "flooder-real" }, { token: flooder }))).status).toBe(200);
  });
});
