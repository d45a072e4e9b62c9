import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fetch as undiciFetch } from "undici";
import {
  checkDiscountSettings,
  deactivateRecoveryDiscount,
  ensureRecoveryDiscount,
  recoveryCodeFor,
  recoveryCodeKey,
  recoveryDiscountTitle,
  type RecoveryDiscountSettings,
} from "../app/recovery/discount-codes.server";
import { DEFAULT_ADMIN_RETRY_POLICY } from "../app/shopify-admin/admin-api.server";
import type { AdminGraphql } from "../app/shopify-admin/admin-graphql";
import { sessionStorage, unauthenticated } from "../app/shopify.server";
import { installShop } from "./admin-session";
import { shopifyAdminDouble, type ShopifyAdminDouble } from "./shopify-admin-double";
import { API_VERSION } from "./shopify";

// Shopify's library takes globalThis.fetch when it is imported; undici's
// MockAgent sees only requests made through its own package's fetch (see
// test/admin-settings.test.ts).
await vi.hoisted(async () => {
  const { fetch } = await import("undici");
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
});

const SHOP = "codes-shop.myshopify.com";
const KEY = "recovery-code-test-key-32-bytes!";
const NOW = new Date("2026-12-01T10:00:00.000Z");
const SETTINGS: RecoveryDiscountSettings = {
  type: "percentage",
  value: "10",
  minimumSubtotal: "500.00",
  validityHours: 48,
  combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
};

let accessToken: string;
beforeAll(async () => {
  await installShop(SHOP);
  accessToken = (await sessionStorage.loadSession(`offline_${SHOP}`))!.accessToken!;
});

let double: ShopifyAdminDouble | null = null;
afterEach(() => {
  double?.close();
  double = null;
});

function startDouble(options: { scopes?: string[]; accessToken?: string } = {}) {
  double = shopifyAdminDouble(SHOP, { accessToken: options.accessToken ?? accessToken, scopes: options.scopes });
  return double;
}

/** The worker's client: shopify-app-remix's admin API with the stored offline session (throws on errors). */
const appClient = async (): Promise<AdminGraphql> => (await unauthenticated.admin(SHOP)).admin.graphql;
/** A client that hands back Shopify's Response as it is, errors included. */
const rawClient = (): AdminGraphql => async (query, options) =>
  (await undiciFetch(`https://${SHOP}/admin/api/${API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": accessToken },
    body: JSON.stringify({ query, variables: options?.variables }),
  })) as unknown as Response;

const clients = [
  ["the app's admin client", appClient],
  ["a raw fetch client", async () => rawClient()],
] as const;

/** Records the waits instead of sleeping them: retries are checked by what they asked for, never by timing. */
function recordedSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const request = (checkoutToken: string, settings: RecoveryDiscountSettings = SETTINGS) => ({ shopDomain: SHOP, checkoutToken, settings, key: KEY, now: NOW });

describe("recovery code", () => {
  it("is derived from shop, checkout and key, and readable", () => {
    const code = recoveryCodeFor(KEY, SHOP, "token-1");
    expect(code).toMatch(/^CR-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(recoveryCodeFor(KEY, SHOP, "token-1")).toBe(code);
    expect(recoveryCodeFor(KEY, SHOP, "token-2")).not.toBe(code);
    expect(recoveryCodeFor(KEY, "other.myshopify.com", "token-1")).not.toBe(code);
    expect(recoveryCodeFor(`${KEY}x`, SHOP, "token-1")).not.toBe(code);
    // Pinned: a change would make a retry after a release create a second code.
    expect(recoveryCodeFor(KEY, SHOP, "pinned-token")).toBe(recoveryCodeFor(Buffer.from(KEY), SHOP, "pinned-token"));
    expect(recoveryCodeFor(KEY, SHOP, "pinned-token")).toBe("CR-VD5DF2N6BB");
  });

  it("refuses a short key", () => {
    expect(() => recoveryCodeFor("short", SHOP, "t")).toThrow("the recovery code key must be at least 16 bytes");
    expect(() => recoveryCodeFor(Buffer.alloc(15), SHOP, "t")).toThrow("the recovery code key must be at least 16 bytes");
  });

  it("takes its key from the app's encryption key through HKDF", () => {
    const encryptionKey = process.env.ENCRYPTION_KEY!;
    const key = recoveryCodeKey(encryptionKey);
    expect(key).toHaveLength(32);
    expect(key.equals(Buffer.from(encryptionKey, "base64"))).toBe(false);
    expect(recoveryCodeKey(encryptionKey).equals(key)).toBe(true);
    // RFC 5869 HKDF-SHA256 with an empty salt: pinned so a refactor cannot change every code.
    expect(key.toString("hex")).toBe("fa93cfcf9b931518e34f84dbbff2ecccf4a117b2c371144dcfbeabc5996cb725");
    expect(() => recoveryCodeKey("c2hvcnQ=")).toThrow("the encryption key must be 32 bytes of base64");
  });
});

describe("discount settings", () => {
  it.each([
    [{ type: "bogus" }, 'discount type must be percentage or fixed_amount, got "bogus"'],
    [{ value: "0" }, 'discount value must be a positive decimal amount, got "0"'],
    [{ value: "ten" }, 'discount value must be a positive decimal amount, got "ten"'],
    [{ value: "101" }, "a percentage discount must be at most 100, got 101"],
    [{ minimumSubtotal: "-5" }, 'minimum subtotal must be a decimal amount or empty, got "-5"'],
    [{ validityHours: 0 }, "validity must be a whole number of hours from 1 to 720, got 0"],
    [{ validityHours: 721 }, "validity must be a whole number of hours from 1 to 720, got 721"],
  ])("refuses %o before calling Shopify", async (override, message) => {
    const shopify = startDouble();
    const result = await ensureRecoveryDiscount(rawClient(), request("bad-settings", { ...SETTINGS, ...override } as RecoveryDiscountSettings));
    expect(result).toMatchObject({ ok: false, attempts: 0, error: { kind: "invalid_settings", message } });
    expect(shopify.calls).toEqual([]);
  });

  it("accepts a fixed amount above 100", () => {
    expect(checkDiscountSettings({ ...SETTINGS, type: "fixed_amount", value: " 150.00 " })).toMatchObject({ value: "150.00" });
  });
});

describe.each(clients)("creating codes through %s", (_name, client) => {
  it("creates one single-use code with the merchant's settings", async () => {
    const shopify = startDouble();
    const result = await ensureRecoveryDiscount(await client(), request("create-1"));
    const code = recoveryCodeFor(KEY, SHOP, "create-1");
    expect(result).toEqual({
      ok: true,
      outcome: "created",
      attempts: 1,
      discount: { code, type: "percentage", value: "10", endsAt: "2026-12-03T10:00:00.000Z", discountId: shopify.discounts.get(code.toLowerCase())!.id },
    });
    expect(shopify.discounts.get(code.toLowerCase())).toMatchObject({
      title: recoveryDiscountTitle("create-1"),
      startsAt: "2026-12-01T10:00:00.000Z",
      endsAt: "2026-12-03T10:00:00.000Z",
      value: { percentage: 0.1 },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      minimumSubtotal: "500.00",
      combinesWith: SETTINGS.combinesWith,
    });
    expect(shopify.calls.map((c) => [c.operation, c.token])).toEqual([["discountCodeBasicCreate", accessToken]]);
    expect(shopify.calls[0].variables.basicCodeDiscount).toMatchObject({ context: { all: "ALL" }, customerGets: { items: { all: true } } });
  });

  it("sends a fixed amount as Shopify's discountAmount", async () => {
    const shopify = startDouble();
    const result = await ensureRecoveryDiscount(await client(), request("fixed-1", { ...SETTINGS, type: "fixed_amount", value: "150", minimumSubtotal: null }));
    expect(result).toMatchObject({ ok: true, discount: { type: "fixed_amount", value: "150.00" } });
    expect(shopify.calls[0].variables.basicCodeDiscount).toMatchObject({
      customerGets: { value: { discountAmount: { amount: "150", appliesOnEachItem: false } } },
      minimumRequirement: null,
    });
  });

  it("makes one code when two workers create it at once", async () => {
    const shopify = startDouble();
    const graphql = await client();
    const [a, b] = await Promise.all([ensureRecoveryDiscount(graphql, request("race-1")), ensureRecoveryDiscount(graphql, request("race-1"))]);
    expect(shopify.discounts.size).toBe(1);
    expect(a.ok && b.ok && a.discount).toEqual(b.ok && b.discount);
    expect([a.ok && a.outcome, b.ok && b.outcome].sort()).toEqual(["created", "existing"]);
    expect(shopify.calls.map((c) => c.operation).sort()).toEqual(["codeDiscountNodeByCode", "discountCodeBasicCreate", "discountCodeBasicCreate"]);
  });

  it("makes one code when the answer to the first create was lost", async () => {
    const shopify = startDouble();
    shopify.fail({ kind: "response_lost" });
    const { waits, sleep } = recordedSleep();
    const result = await ensureRecoveryDiscount(await client(), request("lost-1"), { sleep });
    expect(result).toMatchObject({
      ok: true,
      outcome: "existing",
      attempts: 3,
      discount: { code: recoveryCodeFor(KEY, SHOP, "lost-1"), endsAt: "2026-12-03T10:00:00.000Z" },
    });
    expect(shopify.discounts.size).toBe(1);
    expect(shopify.calls.map((c) => `${c.operation}:${c.answered}`)).toEqual([
      "discountCodeBasicCreate:response lost",
      "discountCodeBasicCreate:ok",
      "codeDiscountNodeByCode:ok",
    ]);
    expect(waits).toEqual([DEFAULT_ADMIN_RETRY_POLICY.networkBackoffMs]);
  });

  it("finds the code again on a later run (after a crash) without making another", async () => {
    const shopify = startDouble();
    const first = await ensureRecoveryDiscount(await client(), request("crash-1"));
    const again = await ensureRecoveryDiscount(await client(), request("crash-1", { ...SETTINGS, value: "15" }));
    expect(shopify.discounts.size).toBe(1);
    // What Shopify holds wins over settings changed in between.
    expect(again).toMatchObject({ ok: true, outcome: "existing", discount: first.ok ? first.discount : null });
  });

  it("waits out GraphQL throttling for as long as the cost bucket needs", async () => {
    const shopify = startDouble();
    shopify.fail(
      { kind: "throttled", requestedQueryCost: 10, currentlyAvailable: 4, restoreRate: 100 },
      { kind: "throttled", requestedQueryCost: 10, currentlyAvailable: 0, restoreRate: 50 },
    );
    const { waits, sleep } = recordedSleep();
    const result = await ensureRecoveryDiscount(await client(), request("throttled-1"), { sleep });
    expect(result).toMatchObject({ ok: true, outcome: "created", attempts: 3 });
    // 6 points missing at 100 a second; then 10 at 50 a second.
    expect(waits).toEqual([60, 200]);
    expect(shopify.discounts.size).toBe(1);
  });

  it("honours Retry-After on HTTP 429", async () => {
    const shopify = startDouble();
    shopify.fail({ kind: "rate_limited", retryAfterSeconds: 2 });
    const { waits, sleep } = recordedSleep();
    expect(await ensureRecoveryDiscount(await client(), request("rate-1"), { sleep })).toMatchObject({ ok: true, outcome: "created", attempts: 2 });
    expect(waits).toEqual([2000]);
  });

  it("retries a server error and a refused connection with growing waits", async () => {
    const shopify = startDouble();
    shopify.fail({ kind: "server_error", status: 503 }, { kind: "connection_refused" });
    const { waits, sleep } = recordedSleep();
    expect(await ensureRecoveryDiscount(await client(), request("flaky-1"), { sleep })).toMatchObject({ ok: true, outcome: "created", attempts: 3 });
    expect(waits).toEqual([500, 1000]);
  });

  it.each([
    ["throttled", [{ kind: "throttled" }, { kind: "throttled" }, { kind: "throttled" }, { kind: "throttled" }], 4],
    ["throttled", [{ kind: "rate_limited", retryAfterSeconds: 60 }], 1],
    ["network", [{ kind: "connection_refused" }, { kind: "connection_refused" }, { kind: "server_error" }, { kind: "connection_refused" }], 4],
  ] as const)("gives up as %s after a bounded wait", async (kind, faults, attempts) => {
    const shopify = startDouble();
    shopify.fail(...faults);
    const { waits, sleep } = recordedSleep();
    const result = await ensureRecoveryDiscount(await client(), request(`give-up-${kind}-${attempts}`), { sleep });
    expect(result).toMatchObject({ ok: false, attempts, error: { kind } });
    expect(!result.ok && result.error.retryable).toBe(true);
    expect(!result.ok && result.error.message).toMatch(new RegExp(`gave up after ${attempts} attempts?\\)$`));
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(DEFAULT_ADMIN_RETRY_POLICY.totalWaitMs);
    expect(shopify.discounts.size).toBe(0);
  });

  it("fails as scope_missing without write_discounts, without retrying", async () => {
    const shopify = startDouble({ scopes: ["read_checkouts", "read_orders"] });
    const result = await ensureRecoveryDiscount(await client(), request("scope-1"));
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: "scope_missing" } });
    expect(!result.ok && result.error.message).toContain("write_discounts");
    expect(!result.ok && result.error.retryable).toBe(false);
    expect(shopify.calls).toHaveLength(1);
  });

  it("fails as user_error when the code belongs to a discount that is not ours", async () => {
    const shopify = startDouble();
    const code = recoveryCodeFor(KEY, SHOP, "taken-1");
    shopify.addDiscount({ code: code.toLowerCase(), title: "Merchant's own" });
    const result = await ensureRecoveryDiscount(await client(), request("taken-1"));
    expect(result).toMatchObject({ ok: false, error: { kind: "user_error", message: `code ${code} is taken by another discount ("Merchant's own")` } });
    expect(!result.ok && result.error.userErrors).toEqual([
      { field: ["basicCodeDiscount", "code"], code: "TAKEN", message: "Code must be unique. Please try a different code.", extraInfo: null },
    ]);
  });

  it("fails as user_error with Shopify's words for input it refuses", async () => {
    const shopify = startDouble();
    shopify.fail({
      kind: "user_errors",
      userErrors: [
        {
          field: ["basicCodeDiscount", "combinesWith"],
          code: "INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS",
          message: "The combinesWith settings are invalid for the discount class.",
        },
      ],
    });
    const result = await ensureRecoveryDiscount(await client(), request("refused-1"));
    expect(result).toMatchObject({
      ok: false,
      attempts: 1,
      error: {
        kind: "user_error",
        message:
          "discountCodeBasicCreate failed: basicCodeDiscount.combinesWith: The combinesWith settings are invalid for the discount class. (INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS)",
      },
    });
    expect(!result.ok && result.error.userErrors.map((e) => e.code)).toEqual(["INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS"]);
    expect(shopify.discounts.size).toBe(0);
  });
});

describe("an answer that is not the Admin API's", () => {
  it.each([
    ["an HTML page", () => new Response("<html>maintenance</html>", { headers: { "content-type": "text/html" } })],
    ["JSON without data", () => Response.json({ extensions: {} })],
    ["a payload without the mutation", () => Response.json({ data: {} })],
    ["HTTP 404", () => new Response("Not Found", { status: 404 })],
  ])("fails as unexpected_response for %s, without retrying", async (_name, answer) => {
    let calls = 0;
    const graphql: AdminGraphql = async () => {
      calls += 1;
      return answer();
    };
    expect(await ensureRecoveryDiscount(graphql, request("odd-1"))).toMatchObject({ ok: false, attempts: 1, error: { kind: "unexpected_response" } });
    expect(calls).toBe(1);
  });
});

describe("a token Shopify refuses", () => {
  it.each(clients)("fails as unauthorized through %s", async (_name, client) => {
    const shopify = startDouble({ accessToken: "shpat_not_the_stored_one" });
    const result = await ensureRecoveryDiscount(await client(), request("auth-1"));
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: "unauthorized" } });
    expect(shopify.discounts.size).toBe(0);
  });
});

describe.each(clients)("deactivating codes through %s", (_name, client) => {
  it("deactivates by id, and again is still success", async () => {
    const shopify = startDouble();
    const created = await ensureRecoveryDiscount(await client(), request("deactivate-1"));
    if (!created.ok) throw created.error;
    expect(await deactivateRecoveryDiscount(await client(), { discountId: created.discount.discountId })).toEqual({
      ok: true,
      outcome: "deactivated",
      attempts: 1,
    });
    expect(shopify.discounts.get(created.discount.code.toLowerCase())!.status).toBe("EXPIRED");
    expect(await deactivateRecoveryDiscount(await client(), { discountId: created.discount.discountId })).toMatchObject({ ok: true, outcome: "deactivated" });
  });

  it("deactivates by code when the id was never stored", async () => {
    const shopify = startDouble();
    const created = await ensureRecoveryDiscount(await client(), request("deactivate-2"));
    if (!created.ok) throw created.error;
    expect(await deactivateRecoveryDiscount(await client(), { code: created.discount.code })).toEqual({ ok: true, outcome: "deactivated", attempts: 2 });
    expect(shopify.discounts.get(created.discount.code.toLowerCase())!.status).toBe("EXPIRED");
  });

  it("treats a code Shopify no longer has as done", async () => {
    startDouble();
    expect(await deactivateRecoveryDiscount(await client(), { code: "CR-GONE000000" })).toEqual({ ok: true, outcome: "not_found", attempts: 1 });
    expect(await deactivateRecoveryDiscount(await client(), { discountId: "gid://shopify/DiscountCodeNode/1" })).toEqual({
      ok: true,
      outcome: "not_found",
      attempts: 1,
    });
  });

  it("retries throttling and reports a missing scope", async () => {
    const shopify = startDouble();
    const created = await ensureRecoveryDiscount(await client(), request("deactivate-3"));
    if (!created.ok) throw created.error;
    shopify.fail({ kind: "throttled" });
    const { waits, sleep } = recordedSleep();
    expect(await deactivateRecoveryDiscount(await client(), { discountId: created.discount.discountId }, { sleep })).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([60]);
    double!.close();
    startDouble({ scopes: [] });
    expect(await deactivateRecoveryDiscount(await client(), { discountId: created.discount.discountId })).toMatchObject({
      ok: false,
      error: { kind: "scope_missing" },
    });
  });
});
