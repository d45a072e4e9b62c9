// Opt-outs BSPs report (POST /api/opt-out): signed back with the endpoint's
// secret as we sign deliveries, scoped to the endpoint's shop, and effective
// at every endpoint of that shop.
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { cashfreeSignature } from "../app/events/sign";
import { listCheckouts } from "../app/routes/app.checkouts._index/queries.server";
import { rotateEndpointSecret } from "../app/endpoints/endpoint.server";
import { answerDataRequest, redactCustomer } from "../app/privacy/compliance.server";
import { action as optOut } from "../app/routes/api.opt-out";
import type { BspReceiver } from "./bsp-receiver";
import { snapshot } from "./db";
import { customerPayload } from "./fixtures";
import { captureCheckout, connectReceiver, MINUTE, runWorker, shopRow, sweep, TestClock } from "./pipeline";
import { APP_URL, BROWSER_USER_AGENT } from "./shopify";

const receivers: BspReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

interface Report {
  shop: string;
  secret: string;
  body?: unknown;
  /** Unix ms the BSP signs; defaults to now */
  timestampMs?: number;
  endpointId?: string;
  signature?: string;
}

function optOutRequest({ shop, secret, body, timestampMs = Date.now(), endpointId, signature }: Report): Request {
  const text = typeof body === "string" ? body : JSON.stringify(body ?? {});
  const timestamp = String(timestampMs);
  return new Request(new URL("/api/opt-out", APP_URL), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": BROWSER_USER_AGENT,
      "x-store-url": shop,
      "x-webhook-timestamp": timestamp,
      "x-webhook-signature": signature ?? cashfreeSignature(secret, timestamp, text),
      ...(endpointId ? { "x-endpoint-id": endpointId } : {}),
    },
    body: text,
  });
}

async function report(input: Report) {
  const response = await optOut({ request: optOutRequest(input), params: {}, context: {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function connect(shop: string) {
  const connected = await connectReceiver(await shopRow(shop), { topics: ["abandonedCheckout", "checkoutRecovered"] });
  receivers.push(connected.receiver);
  return connected;
}

/** A captured checkout with this phone, the detector run past its abandonment, and what it created. */
async function abandon(shop: string, token: string, phone: string) {
  const checkout = await captureCheckout(shop, { checkoutToken: token, phone, email: `${token}@example.com`, whatsappOptIn: true });
  const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
  await sweep(clock);
  const deliveries = await prisma.delivery.findMany({ where: { event: { checkoutId: checkout.id, topic: "abandonedCheckout" } } });
  return { checkout, clock, deliveries };
}

/** The abandoned-cart bodies these receivers got for one checkout. */
function sentFor(checkoutToken: string, ...receivers: BspReceiver[]) {
  return receivers
    .flatMap((receiver) => receiver.received)
    .filter((r) => r.headers["x-webhook-topic"] === "abandonedCheckout" && (JSON.parse(r.body) as { checkoutToken: string }).checkoutToken === checkoutToken);
}

describe("opt-out intake", () => {
  it("refuses unsigned, forged, stale and other shops' reports, changing nothing", async () => {
    const shopA = "optout-a.myshopify.com";
    const shopB = "optout-b.myshopify.com";
    await captureCheckout(shopA, { checkoutToken: "a-1", phone: "+91 98765 43210" });
    await captureCheckout(shopB, { checkoutToken: "b-1", phone: "+91 98765 43210" });
    const a = await connect(shopA);
    const b = await connect(shopB);
    const body = { phone: "+91 98765 43210", reason: "stop_reply" };
    const before = await snapshot();

    const refusals = [
      { why: "no signature", input: { shop: shopA, secret: a.secret, body, signature: "" }, message: /x-webhook-signature are required/ },
      { why: "a wrong secret", input: { shop: shopA, secret: "whsec_bm90IHRoZSBzZWNyZXQ=", body }, message: /does not match/ },
      { why: "a timestamp 6 minutes old", input: { shop: shopA, secret: a.secret, body, timestampMs: Date.now() - 6 * MINUTE }, message: /within 5 minutes/ },
      { why: "shop B's endpoint signing for shop A", input: { shop: shopA, secret: b.secret, body }, message: /does not match/ },
      { why: "shop B's endpoint id named for shop A", input: { shop: shopA, secret: b.secret, body, endpointId: b.endpointId }, message: /does not match/ },
      { why: "shop A's endpoint id with a shop A secret", input: { shop: shopA, secret: a.secret, body, endpointId: b.endpointId }, message: /does not match/ },
      { why: "an unknown shop", input: { shop: "nobody.myshopify.com", secret: a.secret, body }, message: /does not match/ },
      { why: "no shop", input: { shop: "", secret: a.secret, body }, message: /x-store-url/ },
    ];
    for (const { why, input, message } of refusals) {
      const answer = await report(input);
      expect({ why, status: answer.status }).toEqual({ why, status: 401 });
      expect(String(answer.body.error)).toMatch(message);
    }
    // The signature covers the body: a phone swapped after signing is refused.
    const timestamp = String(Date.now());
    const signedFor = cashfreeSignature(a.secret, timestamp, JSON.stringify(body));
    const swapped = await report({ shop: shopA, secret: a.secret, body: { phone: "+91 91234 56789" }, timestampMs: Number(timestamp), signature: signedFor });
    expect(swapped.status).toBe(401);

    expect(await snapshot()).toEqual(before);
    expect(await prisma.optOut.count()).toBe(0);
  });

  it("answers a bad body with 400 naming the field, once the signature holds", async () => {
    const shop = "optout-body.myshopify.com";
    await captureCheckout(shop, { checkoutToken: "body-1", phone: "+91 98765 43210" });
    const { secret } = await connect(shop);
    const cases: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      [{}, /^phone /],
      [{ phone: 6000376569 }, /^phone must be a string/],
      [{ phone: "12" }, /phone is not a valid phone number/],
      [{ phone: "+91 98765 43210", reason: "angry" }, /^reason must be one of opt_out, stop_reply/],
      [{ phone: "+91 98765 43210", optedOutAt: "yesterday" }, /^optedOutAt must be an ISO 8601/],
      [{ phone: "+91 98765 43210", optedOutAt: new Date(Date.now() + 60 * MINUTE).toISOString() }, /must not be in the future/],
    ];
    for (const [body, message] of cases) {
      const answer = await report({ shop, secret, body });
      expect(answer.status).toBe(400);
      expect(String(answer.body.error)).toMatch(message);
    }
    expect(await prisma.optOut.count()).toBe(0);
  });

  it("suppresses the phone at every endpoint of the shop, cancels its waiting deliveries, and leaves other shops alone", async () => {
    const shop = "optout-effect.myshopify.com";
    const other = "optout-other.myshopify.com";
    await captureCheckout(shop, { checkoutToken: "seed", email: "seed@example.com" });
    await captureCheckout(other, { checkoutToken: "seed", email: "seed@example.com" });
    await prisma.shop.update({ where: { domain: shop }, data: { countryCode: "IN" } });
    const first = await connect(shop);
    const second = await connect(shop);
    const elsewhere = await connect(other);

    // Waiting deliveries for the phone exist when the BSP reports the STOP reply.
    const waiting = await abandon(shop, "effect-1", "+91 98765 43210");
    expect(waiting.deliveries.map((d) => d.status)).toEqual(["pending", "pending"]);
    const optedOutAt = new Date(Date.now() - MINUTE).toISOString();
    // National form: read with the shop's country, as checkouts are.
    const answer = await report({ shop, secret: second.secret, body: { phone: "098765 43210", reason: "stop_reply", optedOutAt } });
    expect(answer).toEqual({ status: 200, body: { phone: "+919876543210", optedOutAt, alreadyOptedOut: false, cancelledDeliveries: 2 } });
    const cancelled = await prisma.delivery.findMany({ where: { id: { in: waiting.deliveries.map((d) => d.id) } } });
    expect(cancelled.map((d) => [d.status, d.lastErrorKind])).toEqual([
      ["cancelled", "opted_out"],
      ["cancelled", "opted_out"],
    ]);
    await runWorker(waiting.clock);
    expect(sentFor("effect-1", first.receiver, second.receiver)).toEqual([]);

    // Recorded with its source and time, and shown on the Checkouts page.
    const stored = await prisma.optOut.findFirstOrThrow({ where: { shop: { domain: shop } } });
    expect(stored).toMatchObject({
      phoneE164: "+919876543210",
      endpointId: second.endpointId,
      source: "Test BSP",
      reason: "stop_reply",
      optedOutAt: new Date(optedOutAt),
    });
    const page = await listCheckouts(stored.shopId, { page: 1 });
    const row = page.checkouts.find((checkout) => checkout.id === waiting.checkout.id)!;
    expect(row.optedOut).toEqual({ source: "Test BSP", reason: "stop_reply", optedOutAt: new Date(optedOutAt) });
    expect(page.checkouts.find((checkout) => checkout.phone === null)?.optedOut).toBeNull();

    // A buyer who opted out before any checkout: their checkout makes no abandoned-cart event
    // (no earlier checkout of theirs, so the dedupe window plays no part); another buyer's still does.
    expect((await report({ shop, secret: first.secret, body: { phone: "+91 90000 11111" } })).body.cancelledDeliveries).toBe(0);
    const later = await abandon(shop, "effect-2", "+91 90000 11111");
    expect(later.checkout.phoneE164).toBe("+919000011111");
    expect(await prisma.event.count({ where: { checkoutId: later.checkout.id } })).toBe(0);
    expect((await prisma.checkout.findUniqueOrThrow({ where: { id: later.checkout.id } })).status).toBe("abandoned");
    const someoneElse = await abandon(shop, "effect-3", "+91 91234 56789");
    expect(someoneElse.deliveries).toHaveLength(2);

    // The same phone at another shop is that shop's buyer: still messaged.
    const otherShop = await abandon(other, "other-1", "+91 98765 43210");
    expect(otherShop.deliveries).toHaveLength(1);
    await runWorker(otherShop.clock);
    expect(sentFor("other-1", elsewhere.receiver)).toHaveLength(1);
  });

  it("is idempotent under a replay and accepts the previous secret during a rotation", async () => {
    const shop = "optout-replay.myshopify.com";
    await captureCheckout(shop, { checkoutToken: "seed", email: "seed@example.com" });
    const { secret, endpointId } = await connect(shop);
    const body = { phone: "+91 98765 43210" };
    const timestampMs = Date.now();
    const firstAnswer = await report({ shop, secret, body, timestampMs, endpointId });
    expect(firstAnswer.status).toBe(200);
    expect(firstAnswer.body.alreadyOptedOut).toBe(false);
    const replay = await report({ shop, secret, body, timestampMs, endpointId });
    expect(replay).toEqual({ status: 200, body: { ...firstAnswer.body, alreadyOptedOut: true } });
    expect(await prisma.optOut.count({ where: { shop: { domain: shop } } })).toBe(1);

    const shopId = (await shopRow(shop)).id;
    const rotated = await rotateEndpointSecret(shopId, endpointId);
    expect(rotated.secret).not.toBe(secret);
    const withOld = await report({ shop, secret, body: { phone: "+91 91234 56789", reason: "opt_out" } });
    const withNew = await report({ shop, secret: rotated.secret, body: { phone: "+91 99999 00000" } });
    expect([withOld.status, withNew.status]).toEqual([200, 200]);
    expect(await prisma.optOut.count({ where: { shopId } })).toBe(3);
  });

  it("answers a customer's data request with the opt-out held for their phone, and forgets it on customers/redact", async () => {
    const shop = "optout-redact.myshopify.com";
    await captureCheckout(shop, { checkoutToken: "seed", email: "seed@example.com" });
    const { secret, endpointId } = await connect(shop);
    const shopId = (await shopRow(shop)).id;
    expect((await report({ shop, secret, endpointId, body: { phone: "+91 98765 43210", reason: "stop_reply" } })).status).toBe(200);
    expect((await report({ shop, secret, endpointId, body: { phone: "+91 91234 56789" } })).status).toBe(200);

    const request = await answerDataRequest(shop, customerPayload(shop, { phone: "+919876543210" }, { data_request: { id: 77 } }));
    expect((request?.report as { optOut: { reason: string; source: string } | null }).optOut).toMatchObject({ reason: "stop_reply", source: "Test BSP" });

    await redactCustomer(shop, customerPayload(shop, { phone: "+919876543210" }));
    // Only the redacted buyer's phone leaves the list; another buyer's opt-out stays in force.
    expect((await prisma.optOut.findMany({ where: { shopId }, select: { phoneE164: true } })).map((row) => row.phoneE164)).toEqual(["+919123456789"]);
  });
});
