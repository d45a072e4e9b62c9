import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { endpointInputSchema } from "../app/endpoints/endpoint-input";
import { describeZodError } from "../app/http/validation";
import { createEndpoint, deleteEndpoint, EndpointNotFoundError, rotateEndpointSecret, setEndpointStatus, shopEndpoint } from "../app/endpoints/endpoint.server";
import { sendTestDelivery } from "../app/delivery/send-test.server";
import { checkReceiver, RECEIVER_CHECK_TIMEOUT_MS } from "../app/delivery/receiver-check.server";
import { ADMIN_SENDS_AT_ONCE, ADMIN_SENDS_PER_MINUTE } from "../app/delivery/admin-send-throttle.server";
import { ensureShop } from "../app/shops/shop.server";
import { action as appUninstalled } from "../app/routes/webhooks.app.uninstalled";
import { cashfreeSignatureValid, startBspReceiver, type BspReceiver } from "./bsp-receiver";
import { webhookRequest } from "./shopify";
import { MINUTE, runWorker, TestClock } from "./pipeline";

const receivers: BspReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const production = endpointInputSchema({ allowLoopback: false });
const development = endpointInputSchema({ allowLoopback: true });

async function receiver() {
  const r = await startBspReceiver();
  receivers.push(r);
  return r;
}

describe("endpoint input", () => {
  it("fills the documented defaults", () => {
    expect(production.parse({ name: "Spur", url: "https://hooks.spur.example/cart" })).toEqual({
      name: "Spur",
      preset: "custom",
      url: "https://hooks.spur.example/cart",
      method: "POST",
      format: "cashfree-2025-01-01",
      topics: ["abandonedCheckout", "checkoutRecovered", "integrationStatus"],
      consentOnly: false,
      fieldRules: { drop: [], mask: [] },
      standardWebhooks: false,
      retryPolicy: { mode: "fixed", intervalsMinutes: [2, 10, 30], maxRetries: 3 },
      customHeaders: {},
      quietHours: null,
      disableAfterFailingHours: 72,
    });
  });

  it.each([
    [{ url: "http://hooks.example.com" }, "url must start with https://"],
    [{ url: "https://127.0.0.1/hook" }, "url"],
    [{ url: "https://169.254.169.254/latest" }, "url"],
    [{ name: " " }, "name is required"],
    [{ method: "GET" }, "method must be POST or PUT"],
    [{ topics: [] }, "topics must include at least one topic"],
    [{ fieldRules: { drop: ["customer.ssn"] } }, "fieldRules.drop.0"],
    [{ customHeaders: { "x-webhook-signature": "forged" } }, "customHeaders.x-webhook-signature"],
    [{ retryPolicy: { mode: "fixed", intervalsMinutes: [2], maxRetries: 11 } }, "retryPolicy.maxRetries"],
    [{ quietHours: { startMinute: 0, endMinute: 60, timeZone: "Mars/Olympus" } }, "quietHours.timeZone must be an IANA time zone"],
  ])("rejects %o with a message naming the field", (override, message) => {
    const result = production.safeParse({ name: "BSP", url: "https://hooks.example.com/cart", ...override });
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toContain(message);
  });

  it("allows loopback receivers only under the development setting", () => {
    expect(production.safeParse({ name: "Inbox", url: "http://127.0.0.1:4000/inbox" }).success).toBe(false);
    expect(development.safeParse({ name: "Inbox", url: "http://127.0.0.1:4000/inbox" }).success).toBe(true);
    expect(development.safeParse({ name: "Meta", url: "https://169.254.169.254/" }).success).toBe(false);
  });
});

describe("endpoint model", () => {
  it("stores the secret sealed, never in the clear, and shows it once", async () => {
    const shop = await ensureShop("ep-secret.myshopify.com");
    const { endpoint, secret } = await createEndpoint(shop, production.parse({ name: "Spur", url: "https://hooks.spur.example/cart" }));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const row = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect(row.secretCiphertext).toMatch(/^v1\./);
  });

  it("treats another shop's endpoint as missing", async () => {
    const mine = await ensureShop("ep-mine.myshopify.com");
    const theirs = await ensureShop("ep-theirs.myshopify.com");
    const { endpoint } = await createEndpoint(theirs, production.parse({ name: "Theirs", url: "https://hooks.example.com/x" }));
    await expect(shopEndpoint(mine.id, endpoint.id)).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(rotateEndpointSecret(mine.id, endpoint.id)).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(setEndpointStatus(mine, endpoint.id, "paused")).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(deleteEndpoint(mine.id, endpoint.id)).rejects.toBeInstanceOf(EndpointNotFoundError);
    await expect(sendTestDelivery(mine, endpoint.id)).rejects.toBeInstanceOf(EndpointNotFoundError);
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ status: "active", previousSecretCiphertext: null });
  });

  it("signs with both secrets during the rotation grace period, then with the new one only", async () => {
    const shop = await ensureShop("ep-rotate.myshopify.com");
    const inbox = await receiver();
    const { endpoint, secret: oldSecret } = await createEndpoint(shop, development.parse({ name: "Inbox", url: inbox.url, topics: ["abandonedCheckout"] }));
    const { secret: newSecret } = await rotateEndpointSecret(shop.id, endpoint.id);
    expect(newSecret).not.toBe(oldSecret);

    inbox.secret = newSecret;
    await sendTestDelivery(shop, endpoint.id);
    const during = inbox.received.at(-1)!;
    expect(during.signatureValid).toBe(true);
    const previous = { ...during.headers, "x-webhook-signature": during.headers["x-webhook-signature-previous"] };
    expect(cashfreeSignatureValid(oldSecret, previous, during.body)).toBe(true);

    const clock = new TestClock(new Date(Date.now() + 25 * 60 * MINUTE));
    inbox.secret = newSecret;
    await sendTestDelivery(shop, endpoint.id, clock);
    const after = inbox.received.at(-1)!;
    expect(after.signatureValid).toBe(true);
    expect(after.headers["x-webhook-signature-previous"]).toBeUndefined();
  });

  it("sends a realistic test event now, to a paused endpoint too, without retries, and logs it", async () => {
    const shop = await ensureShop("ep-test.myshopify.com");
    const inbox = await receiver();
    const { endpoint, secret } = await createEndpoint(shop, development.parse({ name: "Inbox", url: inbox.url, topics: ["abandonedCheckout"] }));
    inbox.secret = secret;
    await setEndpointStatus(shop, endpoint.id, "paused");
    const { result, deliveryId } = await sendTestDelivery(shop, endpoint.id);
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(inbox.received[0].json).toMatchObject({ test: true, topic: "test", storeUrl: "ep-test.myshopify.com" });
    expect(inbox.received[0].json.lineItems.length).toBeGreaterThan(0);
    expect(inbox.received[0].signatureValid).toBe(true);

    inbox.respondWith(500);
    const failed = await sendTestDelivery(shop, endpoint.id);
    expect(failed.result).toMatchObject({ ok: false, statusCode: 500 });
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: failed.deliveryId } })).toMatchObject({ status: "failed", nextAttemptAt: null });
    expect(await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attempts: true } })).toMatchObject({
      status: "succeeded",
      attempts: [expect.objectContaining({ statusCode: 200 })],
    });
    // A failing test says nothing about the endpoint's health.
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ failingSince: null, status: "paused" });
  });

  it("tells endpoints they were connected, paused, resumed and uninstalled", async () => {
    const shop = await ensureShop("ep-status.myshopify.com");
    const inbox = await receiver();
    const { endpoint } = await createEndpoint(shop, development.parse({ name: "Inbox", url: inbox.url, topics: ["integrationStatus"] }));
    await setEndpointStatus(shop, endpoint.id, "paused");
    await setEndpointStatus(shop, endpoint.id, "active");
    await appUninstalled({ request: webhookRequest("app/uninstalled", shop.domain, { id: 1, domain: shop.domain }), params: {}, context: {} });
    await runWorker(new TestClock(new Date()));
    expect(inbox.received.map((r) => [r.headers["x-webhook-topic"], r.json.type, r.json.data.status])).toEqual([
      ["integrationStatus", "INTEGRATION_STATUS", "connected"],
      ["integrationStatus", "INTEGRATION_STATUS", "paused"],
      ["integrationStatus", "INTEGRATION_STATUS", "connected"],
      ["integrationStatus", "INTEGRATION_STATUS", "uninstalled"],
    ]);
    expect(inbox.received[0].json.data).toMatchObject({ storeUrl: shop.domain, endpointId: endpoint.id, reason: null });
  });
});

describe("admin-triggered sends are bounded", () => {
  it("Check receiver gives up on a receiver that never answers after its short timeout, and sends nothing more", async () => {
    const shop = await ensureShop("ep-hanging.myshopify.com");
    const hanging = await receiver();
    hanging.respondWith(() => new Promise<void>(() => {}));
    const { endpoint } = await createEndpoint(shop, development.parse({ name: "Hanging", url: hanging.url }));
    const result = await checkReceiver(shop, endpoint.id);
    expect(RECEIVER_CHECK_TIMEOUT_MS).toBeLessThan(30_000);
    expect(result.passed).toBe(false);
    expect(result.steps.map((step) => [step.check, step.errorKind, step.errorMessage])).toEqual([
      ["valid", "timeout", `no complete response within ${RECEIVER_CHECK_TIMEOUT_MS} ms`],
      ["bad_signature", null, "not sent: the receiver did not answer an earlier check"],
      ["stale_timestamp", null, "not sent: the receiver did not answer an earlier check"],
    ]);
    expect(hanging.received).toHaveLength(1);
  });

  it("Send test and Check receiver share a per-shop budget: a few at once, a few a minute, refused with a 429 saying why", async () => {
    const shop = await ensureShop("ep-throttle.myshopify.com");
    const other = await ensureShop("ep-throttle-other.myshopify.com");
    const inbox = await receiver();
    const { endpoint } = await createEndpoint(shop, development.parse({ name: "Inbox", url: inbox.url }));
    const { endpoint: otherEndpoint } = await createEndpoint(other, development.parse({ name: "Inbox", url: inbox.url }));
    const clock = new TestClock(new Date());

    const burst = await Promise.allSettled(Array.from({ length: 20 }, () => sendTestDelivery(shop, endpoint.id, clock)));
    const refused = burst.filter((outcome) => outcome.status === "rejected").map((outcome) => outcome.reason as Response);
    expect(burst.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(ADMIN_SENDS_AT_ONCE);
    expect(refused.map((response) => response.status)).toEqual(Array(20 - ADMIN_SENDS_AT_ONCE).fill(429));
    expect(await refused[0].json()).toEqual({
      ok: false,
      error: `Send test refused: ${ADMIN_SENDS_AT_ONCE} test sends or receiver checks of this shop are still running; wait for them to finish`,
    });
    expect(inbox.received).toHaveLength(ADMIN_SENDS_AT_ONCE);

    for (let i = ADMIN_SENDS_AT_ONCE; i < ADMIN_SENDS_PER_MINUTE; i++) await sendTestDelivery(shop, endpoint.id, clock);
    clock.advance(20_000);
    const overBudget = await checkReceiver(shop, endpoint.id, { now: () => clock.now() }).catch((error: Response) => error);
    expect(overBudget).toBeInstanceOf(Response);
    expect((overBudget as Response).headers.get("retry-after")).toBe("40");
    expect(await (overBudget as Response).json()).toEqual({
      ok: false,
      error: `Check receiver refused: at most ${ADMIN_SENDS_PER_MINUTE} test sends and receiver checks a minute per shop; try again in 40 s`,
    });
    expect(inbox.received).toHaveLength(ADMIN_SENDS_PER_MINUTE);
    // Another shop has its own budget, and the shop's comes back after a minute.
    expect((await sendTestDelivery(other, otherEndpoint.id, clock)).result).toMatchObject({ ok: true });
    clock.advance(MINUTE);
    expect((await sendTestDelivery(shop, endpoint.id, clock)).result).toMatchObject({ ok: true });
  });
});
