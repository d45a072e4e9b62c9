// Property-based attack on every way in from outside: malformed, oversized,
// deeply nested, wrongly typed, unicode-edge and injection-shaped bodies.
// Every one must get a 4xx with a message, and nothing stored may change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ActionFunctionArgs } from "@remix-run/node";
import { action as checkoutsCreate } from "../app/routes/webhooks.checkouts.create";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { action as dataRequest } from "../app/routes/webhooks.customers.data_request";
import { action as scopesUpdate } from "../app/routes/webhooks.app.scopes_update";
import { action as optOut } from "../app/routes/api.opt-out";
import prisma from "../app/db.server";
import { sealWithAppKey } from "../app/crypto/keyring.server";
import { generateEndpointSecret } from "../app/events/endpoint-secret";
import { cashfreeSignature } from "../app/events/sign";
import { ensureShop } from "../app/shops/shop.server";
import { APP_URL, BROWSER_USER_AGENT, captureRequest, checkoutSessionToken, webhookRequest } from "./shopify";
import { snapshot } from "./db";
import { startPublicApiServer, type PublicApiServer } from "./public-api-server";

type Action = (args: ActionFunctionArgs) => Promise<Response> | Response;

const RUNS = 40;

const injection = fc.constantFrom(
  '\'; DROP TABLE "Checkout"; --',
  "<script>alert(1)</script>",
  "${process.exit(1)}",
  "{{constructor.constructor('x')()}}",
  "../../etc/passwd",
  "\u0000",
  "\ud800",
  "\u202e\u0041",
  "🛒".repeat(300),
  "a".repeat(70_000),
);

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

// NaN and ±Infinity would serialise as null, which is a valid (absent) value.
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);
const notBoolean = fc.oneof(fc.string(), fc.integer(), fc.array(fc.boolean(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));

/** For each field, values the schema can never accept. */
const wrongField = fc.oneof(
  fc.tuple(
    fc.constant("email"),
    fc.oneof(
      notString,
      fc.string({ minLength: 255, maxLength: 400 }).map((s) => `${s}x`.padStart(300, "a")),
    ),
  ),
  fc.tuple(fc.constant("phone"), fc.oneof(notString, fc.constant("9".repeat(41)))),
  fc.tuple(fc.constant("whatsappOptIn"), notBoolean),
  fc.tuple(fc.constant("lines"), fc.oneof(fc.string(), fc.integer(), fc.array(fc.record({ title: fc.string() }), { minLength: 1, maxLength: 2 }))),
  fc.tuple(fc.constant("total"), fc.oneof(fc.double({ max: -0.01, noNaN: true, noDefaultInfinity: true }), fc.constant("lots"), fc.object({ maxDepth: 1 }))),
  fc.tuple(fc.constant("currency"), fc.oneof(fc.integer(), fc.constantFrom("rupees", "₹", "", "US"))),
  fc.tuple(fc.constant("shippingAddress"), fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { minLength: 1 }))),
  fc.tuple(fc.constant("attributes"), fc.oneof(fc.string(), fc.constant(nested(50)), fc.dictionary(fc.string({ minLength: 1 }), fc.integer(), { minKeys: 1 }))),
  fc.tuple(fc.constant("discountCodes"), fc.oneof(fc.string(), fc.array(fc.integer(), { minLength: 1 }))),
  fc.tuple(fc.constant("occurredAt"), fc.oneof(fc.constantFrom("yesterday", "2026-13-45", "1700000000"), fc.integer())),
);

/** Bodies that can never be a valid capture: each breaks the schema somewhere. */
const badCaptureBody = fc.oneof(
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.oneof(fc.array(fc.anything()), fc.integer(), fc.string(), fc.constant(null)).map((v) => JSON.stringify(v)),
  fc.record({ checkoutToken: fc.oneof(injection, fc.constant(""), fc.integer()) }).map((v) => JSON.stringify(v)),
  wrongField.map(([field, value]) => JSON.stringify({ checkoutToken: "fuzz-token", [field]: value })),
  // Built as text: JSON.stringify itself overflows the stack on such depths.
  fc.integer({ min: 200, max: 12_000 }).map((depth) => `{"checkoutToken":"deep","utm":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`),
);

// Capture and pixel go over real HTTP to the lean path server.mjs answers them on.
let lean: PublicApiServer;
beforeAll(async () => {
  lean = await startPublicApiServer();
});
afterAll(async () => {
  await lean?.close();
});
const overLeanPath =
  (path: string): Action =>
  async ({ request }) =>
    fetch(`${lean.url}${path}`, { method: request.method, headers: request.headers, body: await request.text() });
const capture = overLeanPath("/api/capture");
const pixel = overLeanPath("/api/pixel");

async function status(route: Action, request: Request) {
  const response = await route({ request, params: {}, context: {} });
  const body = await response.text();
  return { status: response.status, body };
}

function expectClearRejection(result: { status: number; body: string }) {
  const shown = result.body.slice(0, 300);
  expect(result.status, shown).toBeGreaterThanOrEqual(400);
  expect(result.status, shown).toBeLessThan(500);
  expect(JSON.parse(result.body).error).toMatch(/\w+/);
}

describe("fuzzing the edges", () => {
  it("/api/capture refuses every bad body with a 4xx and stores nothing", async () => {
    const before = await snapshot();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(badCaptureBody, async (body) => {
        // A shop per request keeps the rate limit out of the way.
        const shop = `fuzz-${n++}.myshopify.com`;
        expectClearRejection(await status(capture, await captureRequest(shop, null, { body })));
      }),
      { numRuns: RUNS * 3 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it("/api/capture refuses hostile headers and tokens", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), injection, fc.string({ unit: "binary" })).map((t) => t.replace(/[^\x20-\x7e]/g, "")),
        async (token) => {
          const request = new Request(`${APP_URL}/api/capture`, {
            method: "POST",
            headers: { "content-type": "application/json", "user-agent": BROWSER_USER_AGENT, authorization: `Bearer ${token}` },
            body: JSON.stringify({ checkoutToken: "fuzz-auth", email: "x@example.com" }),
          });
          expectClearRejection(await status(capture, request));
        },
      ),
      { numRuns: RUNS },
    );
    const forged = await checkoutSessionToken("fuzz.myshopify.com", { claims: { dest: "https://evil.example" } });
    expectClearRejection(await status(capture, await captureRequest("fuzz.myshopify.com", { checkoutToken: "x" }, { token: forged })));
    expect(await snapshot()).toEqual(before);
  });

  it("/api/pixel refuses every bad body, with a real key or a guessed one", async () => {
    const shop = await ensureShop("fuzz-pixel.myshopify.com");
    const before = await snapshot();
    await fc.assert(
      // The pixel ignores whatsappOptIn by design (only the checkbox records that consent).
      fc.asyncProperty(
        badCaptureBody.filter((b) => !b.includes('"whatsappOptIn"')),
        fc.oneof(fc.constant(shop.pixelKey), fc.string(), injection),
        async (checkout, pixelKey) => {
          // Spliced as text: some bodies nest deeper than JSON.stringify can go.
          const isJson = (() => {
            try {
              JSON.parse(checkout);
              return true;
            } catch {
              return false;
            }
          })();
          const body = `{"pixelKey":${JSON.stringify(pixelKey)},"event":"checkout_started","occurredAt":"${new Date().toISOString()}","checkout":${isJson ? checkout : JSON.stringify(checkout)}}`;
          const request = new Request(`${APP_URL}/api/pixel`, {
            method: "POST",
            headers: {
              "content-type": "text/plain",
              "user-agent": BROWSER_USER_AGENT,
              "x-forwarded-for": `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
            },
            body,
          });
          const result = await status(pixel, request);
          // A rate-limited client is refused too; that is still a 4xx and stores nothing.
          expectClearRejection(result);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it("/api/opt-out refuses every bad report, signed or forged, and stores nothing", async () => {
    const shop = await ensureShop("fuzz-opt-out.myshopify.com");
    const secret = generateEndpointSecret();
    await prisma.endpoint.create({
      data: {
        shopId: shop.id,
        name: "Fuzz BSP",
        url: "https://fuzz-bsp.example/hook",
        topics: ["abandonedCheckout"],
        secretCiphertext: sealWithAppKey(secret),
      },
    });
    const badReport = fc.oneof(
      badCaptureBody,
      fc
        .tuple(fc.constantFrom("phone", "reason", "optedOutAt"), fc.oneof(notString, injection, fc.constantFrom("", "not a phone", "2999-01-01T00:00:00Z")))
        .map(([field, value]) => JSON.stringify({ phone: "+919876543210", [field]: value })),
    );
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        badReport,
        fc.constantFrom("signed", "forged", "stale", "other shop"),
        fc.oneof(fc.constant(undefined), injection),
        async (body, signing, endpointId) => {
          const timestamp = String(signing === "stale" ? Date.now() - 60 * 60_000 : Date.now());
          const signature = signing === "forged" ? cashfreeSignature("whsec_not-the-secret", timestamp, body) : cashfreeSignature(secret, timestamp, body);
          const headers: Record<string, string> = {
            "content-type": "application/json",
            "user-agent": BROWSER_USER_AGENT,
            "x-store-url": signing === "other shop" ? "fuzz-someone-else.myshopify.com" : shop.domain,
            "x-webhook-timestamp": timestamp,
            "x-webhook-signature": signature,
          };
          // Only what a header can carry (Fetch refuses the rest before anything is sent).
          if (endpointId !== undefined && [...endpointId].every((ch) => ch >= " " && ch <= "~")) headers["x-endpoint-id"] = endpointId;
          const result = await status(optOut, new Request(`${APP_URL}/api/opt-out`, { method: "POST", headers, body }));
          // A report over the endpoint's or the address's rate is refused too; that is still a 4xx and stores nothing.
          expectClearRejection(result);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it.each<[string, string, Action]>([
    ["checkouts/create", "checkouts/create", checkoutsCreate],
    ["orders/create", "orders/create", ordersCreate],
    ["customers/redact", "customers/redact", customersRedact],
    ["customers/data_request", "customers/data_request", dataRequest],
    ["app/scopes_update", "app/scopes_update", scopesUpdate],
  ])("the %s webhook refuses signed garbage with 400 and unsigned bodies with 401", async (_name, topic, route) => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(badCaptureBody, fc.boolean(), async (body, signed) => {
        const request = webhookRequest(topic, "fuzz-webhooks.myshopify.com", null, signed ? { rawBody: body } : { rawBody: "{}", tamperedBody: body });
        const result = await status(route, request);
        expectClearRejection(result);
        // Unsigned: 401, or 400 when there is not even a body to check.
        if (!signed) expect(result.status === 401 || (result.status === 400 && body === "")).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshot()).toEqual(before);
  });
});
