import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { openWithAppKey } from "../app/crypto/keyring.server";
import { defaultEndpointFormValues, endpointFormValues, type EndpointFormValues } from "../app/admin/endpoint-form";
import { loader as listLoader } from "../app/routes/app.endpoints._index/route";
import { action as createAction, loader as newLoader } from "../app/routes/app.endpoints.new/route";
import { action as endpointAction, loader as endpointLoader } from "../app/routes/app.endpoints.$id/route";
import { judgeStep, STALE_TIMESTAMP_AGE_MS } from "../app/delivery/receiver-check.server";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import { storedEndpoint } from "./admin-fixtures";
import { startBspReceiver, type BspReceiver } from "./bsp-receiver";
import { startStrictBsp, type StrictBsp } from "./e2e/strict-bsp";
import { snapshot } from "./db";

const SHOP = "ep-admin.myshopify.com";
const OTHER = "ep-admin-other.myshopify.com";
let shop: Shop;
let strict: StrictBsp;
let lax: BspReceiver;

beforeAll(async () => {
  shop = await installShop(SHOP, { timezone: "Asia/Kolkata" });
  await installShop(OTHER);
  strict = await startStrictBsp();
  lax = await startBspReceiver();
});
afterAll(async () => {
  await strict?.close();
  await lax?.close();
});

const form = (overrides: Partial<EndpointFormValues> = {}): EndpointFormValues => ({
  ...defaultEndpointFormValues("Asia/Kolkata"),
  name: "Spur",
  preset: "spur",
  url: "https://hooks.spur.example/cart-relay",
  ...overrides,
});

async function create(values: unknown, shopDomain = SHOP) {
  return read(await callRoute(createAction, { request: await adminRequest(shopDomain, "/app/endpoints/new", { json: { intent: "create", values } }) }));
}

async function act(id: string, json: unknown, shopDomain = SHOP) {
  return read(await callRoute(endpointAction, { request: await adminRequest(shopDomain, `/app/endpoints/${id}`, { json }), params: { id } }));
}

async function createdEndpoint(values: Partial<EndpointFormValues> = {}) {
  const { status, body } = await create(form(values));
  expect(status).toBe(200);
  return body.created as { id: string; name: string; secret: string };
}

describe("create", () => {
  it("offers every preset, topic, format and field rule", async () => {
    const { status, body } = await read(await callRoute(newLoader, { request: await adminRequest(SHOP, "/app/endpoints/new") }));
    expect(status).toBe(200);
    expect(body.options.presets.map((p: { label: string }) => p.label)).toEqual([
      "Spur",
      "LimeChat",
      "Gupshup",
      "Wati",
      "Interakt",
      "BiteSpeed",
      "AiSensy",
      "Whitespeed",
      "Custom",
    ]);
    expect(body.options.topics).toEqual(["abandonedCheckout", "checkoutRecovered", "integrationStatus"]);
    expect(body.options.formats).toEqual(["cashfree-2025-01-01", "ecom360-v1"]);
    expect(body.options.fieldPaths).toContain("customer.shippingAddress.phone");
    expect(body.defaults).toMatchObject({ quietTimeZone: "Asia/Kolkata", retryIntervals: "2, 10, 30", maxRetries: "3" });
  });

  it("stores the endpoint and shows its secret once", async () => {
    const { status, body } = await create(
      form({
        method: "PUT",
        format: "ecom360-v1",
        topics: ["abandonedCheckout"],
        consentOnly: true,
        maskFields: ["phone"],
        dropFields: ["customer.lastName"],
        standardWebhooks: true,
        retryMode: "exponential",
        retryIntervals: "5",
        maxRetries: "6",
        customHeaders: "Authorization: Bearer spur-key\nX-Store: demo",
        quietHoursEnabled: true,
        quietStart: "22:30",
        quietEnd: "08:00",
        disableAfterFailingHours: "48",
      }),
    );
    expect(status).toBe(200);
    expect(body.created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const row = await prisma.endpoint.findUniqueOrThrow({ where: { id: body.created.id } });
    expect(row).toMatchObject({
      shopId: shop.id,
      name: "Spur",
      preset: "spur",
      method: "PUT",
      format: "ecom360-v1",
      topics: ["abandonedCheckout"],
      consentOnly: true,
      maskFields: ["phone"],
      dropFields: ["customer.lastName"],
      standardWebhooks: true,
      retryMode: "exponential",
      retryIntervals: [5],
      maxRetries: 6,
      customHeaders: { Authorization: "Bearer spur-key", "X-Store": "demo" },
      quietHoursStart: 1350,
      quietHoursEnd: 480,
      quietHoursTimezone: "Asia/Kolkata",
      disableAfterFailingHours: 48,
    });
    expect(openWithAppKey(row.secretCiphertext)).toBe(body.created.secret);
    // The form shows the stored endpoint as it was entered.
    expect(endpointFormValues(row, "UTC")).toMatchObject({
      customHeaders: "Authorization: Bearer spur-key\nX-Store: demo",
      quietStart: "22:30",
      retryIntervals: "5",
    });
    // Loading the endpoint never shows the secret again.
    const page = await read(await callRoute(endpointLoader, { request: await adminRequest(SHOP, `/app/endpoints/${row.id}`), params: { id: row.id } }));
    expect(JSON.stringify(page.body)).not.toContain(body.created.secret.slice(6));
  });

  it("names every bad field inline and stores nothing", async () => {
    const before = await prisma.endpoint.count();
    const { status, body } = await create(
      form({
        name: " ",
        url: "http://hooks.example.com/x",
        topics: [],
        retryIntervals: "2, 0",
        maxRetries: "eleven",
        customHeaders: "X-Ok: yes\nnot a header",
        quietHoursEnabled: true,
        quietStart: "25:00",
        quietTimeZone: "Mars/Olympus",
        disableAfterFailingHours: "0",
      }),
    );
    expect(status).toBe(400);
    expect(body.created).toBeNull();
    expect(body.errors).toEqual({
      name: "Name is required",
      url: "URL must start with https://",
      topics: "Topics must include at least one topic",
      retryIntervals: "Retry intervals (interval 2) must be at least 1 minute",
      maxRetries: "Retries must be a number",
      customHeaders: "Custom headers line 2 must look like Name: value",
      quietStart: "Quiet hours start must be a time such as 22:00",
      quietTimeZone: 'Time zone must be an IANA time zone such as Asia/Kolkata (got "Mars/Olympus")',
      disableAfterFailingHours: "Disable after must be at least 1 hour",
    });
    expect(await prisma.endpoint.count()).toBe(before);
  });

  it("refuses reserved headers, unknown field rules and private addresses with their reasons", async () => {
    const { status, body } = await create(
      form({ url: "https://10.0.0.5/hook", customHeaders: "X-Webhook-Signature: forged", dropFields: ["customer.ssn"], preset: "whatsapp-inc" }),
    );
    expect(status).toBe(400);
    expect(body.errors.url).toMatch(/^URL /);
    expect(body.errors.customHeaders).toBe('Custom headers: header "X-Webhook-Signature" is set by Cart Relay and cannot be overridden');
    expect(body.errors.dropFields).toMatch(/^Dropped fields: "customer.ssn" is not a field that can be dropped or masked/);
    expect(body.errors.preset).toBe("BSP is not a known BSP");
  });

  it("answers a malformed submission with 400 naming the problem", async () => {
    const notJson = new Request("https://cart-relay.test/app/endpoints/new", {
      method: "POST",
      headers: (await adminRequest(SHOP, "/app/endpoints/new")).headers,
      body: "intent=create",
    });
    notJson.headers.set("content-type", "application/x-www-form-urlencoded");
    expect(await read(await callRoute(createAction, { request: notJson }))).toEqual({
      status: 400,
      body: { ok: false, error: "the form must be sent as application/json" },
    });
    expect(await create({ name: 42 })).toMatchObject({ status: 400, body: { errors: { form: expect.stringContaining("The form is malformed:") } } });
    const wrongIntent = await read(
      await callRoute(createAction, { request: await adminRequest(SHOP, "/app/endpoints/new", { json: { intent: "drop-tables" } }) }),
    );
    expect(wrongIntent).toEqual({ status: 400, body: { ok: false, error: "intent must be create" } });
  });
});

describe("list", () => {
  it("shows this shop's endpoints with status, reason and last delivery, never another shop's", async () => {
    const other = await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } });
    await storedEndpoint(other, "Not mine");
    const broken = await storedEndpoint(shop, "Broken", { status: "disabled", disabledReason: "the endpoint answered 410 Gone" });
    const { status, body } = await read(await callRoute(listLoader, { request: await adminRequest(SHOP, "/app/endpoints") }));
    expect(status).toBe(200);
    const names = body.endpoints.map((e: { name: string }) => e.name);
    expect(names).toContain("Broken");
    expect(names).not.toContain("Not mine");
    expect(body.endpoints.find((e: { id: string }) => e.id === broken.id)).toMatchObject({
      status: "disabled",
      disabledReason: "the endpoint answered 410 Gone",
      lastDelivery: null,
    });
  });
});

describe("one endpoint", () => {
  it("edits, showing field errors inline and changing nothing on bad input", async () => {
    const { id } = await createdEndpoint({ name: "Wati", preset: "wati" });
    const bad = await act(id, { intent: "update", values: form({ name: "", retryIntervals: "2, x" }) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({ name: "Name is required", retryIntervals: "Retry intervals (interval 2) must be a number of minutes" });
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "Wati" });

    const good = await act(id, { intent: "update", values: form({ name: "Wati main", preset: "wati", maxRetries: "5" }) });
    expect(good).toEqual({ status: 200, body: { intent: "update", ok: true, errors: {} } });
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "Wati main", maxRetries: 5 });
  });

  it("rotates the secret, keeping the old one in its grace period", async () => {
    const { id, secret } = await createdEndpoint();
    const { status, body } = await act(id, { intent: "rotate" });
    expect(status).toBe(200);
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(secret);
    const row = await prisma.endpoint.findUniqueOrThrow({ where: { id } });
    expect(openWithAppKey(row.secretCiphertext)).toBe(body.secret);
    expect(openWithAppKey(row.previousSecretCiphertext!)).toBe(secret);
    const page = await read(await callRoute(endpointLoader, { request: await adminRequest(SHOP, `/app/endpoints/${id}`), params: { id } }));
    expect(page.body.endpoint.previousSecretExpiresAt).not.toBeNull();
  });

  it("pauses and resumes", async () => {
    const { id } = await createdEndpoint();
    expect(await act(id, { intent: "pause" })).toEqual({ status: 200, body: { intent: "pause", ok: true, status: "paused" } });
    expect(await act(id, { intent: "resume" })).toEqual({ status: 200, body: { intent: "resume", ok: true, status: "active" } });
  });

  it("sends a test through the real path and reports status, latency and the response", async () => {
    const { id, secret } = await createdEndpoint({ url: strict.url });
    strict.secret = secret;
    const { status, body } = await act(id, { intent: "test" });
    expect(status).toBe(200);
    expect(body.test).toMatchObject({ status: "succeeded", delivered: true, statusCode: 200, errorKind: null, responseStart: '{"received":true}' });
    expect(body.test.durationMs).toBeGreaterThanOrEqual(0);
    const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: body.test.deliveryId }, include: { attempts: true } });
    expect(delivery).toMatchObject({ endpointId: id, topic: "test", status: "succeeded", attempts: [expect.objectContaining({ statusCode: 200 })] });
    expect(strict.received.at(-1)).toMatchObject({ accepted: true });

    strict.secret = "whsec_not-the-right-one";
    const refused = await act(id, { intent: "test" });
    expect(refused.body.test).toMatchObject({ status: "failed", delivered: false, statusCode: 401, errorMessage: "HTTP 401" });
  });

  it("answers a Send test over the shop's budget with the reason, for the page to show beside the button", async () => {
    const { status, body } = await create(form({ url: lax.url, name: "Budget" }), OTHER);
    expect(status).toBe(200);
    const id = body.created.id as string;
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await act(id, { intent: "test" }, OTHER));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers[10]).toEqual({
      status: 429,
      body: {
        intent: "test",
        ok: false,
        refused: expect.stringMatching(/^Send test refused: at most 10 test sends and receiver checks a minute per shop; try again in \d+ s$/),
      },
    });
    const check = await act(id, { intent: "check" }, OTHER);
    expect(check).toMatchObject({ status: 429, body: { intent: "check", ok: false, refused: expect.stringMatching(/^Check receiver refused/) } });
  });

  it("passes a receiver that verifies, with one 2xx and two 4xx", async () => {
    const { id, secret } = await createdEndpoint({ url: strict.url, standardWebhooks: true });
    strict.secret = secret;
    const received = strict.received.length;
    const deliveries = await prisma.delivery.count();
    const { status, body } = await act(id, { intent: "check" });
    expect(status).toBe(200);
    expect(body.check).toMatchObject({ endpointId: id, passed: true, acceptsForged: false });
    expect(body.check.steps.map((s: { check: string; statusCode: number; passed: boolean }) => [s.check, s.statusCode, s.passed])).toEqual([
      ["valid", 200, true],
      ["bad_signature", 401, true],
      ["stale_timestamp", 401, true],
    ]);
    expect(strict.received.slice(received).map((r) => r.reason)).toEqual([null, "bad signature", "stale timestamp"]);
    const stale = strict.received.at(-1)!;
    expect(Date.now() - Number(stale.headers["x-webhook-timestamp"])).toBeGreaterThanOrEqual(STALE_TIMESTAMP_AGE_MS - 5_000);
    expect(stale.headers["webhook-timestamp"]).toBe(String(Math.floor(Number(stale.headers["x-webhook-timestamp"]) / 1000)));
    // Forgeries have no place in the delivery log or the metrics.
    expect(await prisma.delivery.count()).toBe(deliveries);
  });

  it("flags a receiver that accepts forged events", async () => {
    const { id } = await createdEndpoint({ url: lax.url });
    const { body } = await act(id, { intent: "check" });
    expect(body.check).toMatchObject({ passed: false, acceptsForged: true });
    expect(body.check.steps.map((s: { passed: boolean }) => s.passed)).toEqual([true, false, false]);
  });

  it("fails, without calling it forged-friendly, a receiver that errors on everything", async () => {
    const { id } = await createdEndpoint({ url: lax.url });
    lax.respondWith(500, 500, 500);
    const { body } = await act(id, { intent: "check" });
    expect(body.check).toMatchObject({ passed: false, acceptsForged: false });
    expect(body.check.steps.map((s: { statusCode: number }) => s.statusCode)).toEqual([500, 500, 500]);
  });

  it.each([
    ["valid", 204, true, false],
    ["valid", 401, false, false],
    ["bad_signature", 403, true, false],
    ["bad_signature", 200, false, true],
    ["stale_timestamp", 400, true, false],
    ["stale_timestamp", 202, false, true],
    ["stale_timestamp", 503, false, false],
    ["bad_signature", null, false, false],
  ] as const)("judges %s answered %s: passed %s, accepts forged %s", (check, statusCode, passed, acceptsForged) => {
    expect(judgeStep(check, { statusCode })).toEqual({ passed, acceptsForged });
  });

  it("deletes and goes back to the list", async () => {
    const { id } = await createdEndpoint();
    const response = await callRoute(endpointAction, {
      request: await adminRequest(SHOP, `/app/endpoints/${id}`, { json: { intent: "delete" } }),
      params: { id },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/app/endpoints");
    expect(await prisma.endpoint.findUnique({ where: { id } })).toBeNull();
  });

  it("answers an unknown intent with 400", async () => {
    const { id } = await createdEndpoint();
    expect(await act(id, { intent: "explode" })).toEqual({
      status: 400,
      body: { ok: false, error: "intent must be one of update, rotate, pause, resume, delete, test, check" },
    });
  });
});

describe("another shop's endpoint", () => {
  it("is a 404 for the page and for every action, and nothing changes", async () => {
    const { id } = await createdEndpoint({ url: strict.url });
    const page = await read(await callRoute(endpointLoader, { request: await adminRequest(OTHER, `/app/endpoints/${id}`), params: { id } }));
    expect(page).toEqual({ status: 404, body: { error: "endpoint not found" } });
    const received = strict.received.length;
    const before = await snapshot();
    const endpointBefore = await prisma.endpoint.findUniqueOrThrow({ where: { id } });
    for (const json of [
      { intent: "update", values: form({ name: "Hijacked" }) },
      { intent: "rotate" },
      { intent: "pause" },
      { intent: "resume" },
      { intent: "test" },
      { intent: "check" },
      { intent: "delete" },
    ]) {
      expect(await act(id, json, OTHER)).toEqual({ status: 404, body: { error: "endpoint not found" } });
    }
    expect(await snapshot()).toEqual(before);
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id } })).toEqual(endpointBefore);
    expect(strict.received.length).toBe(received);
  });
});
