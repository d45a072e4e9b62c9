import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import prisma from "../app/db.server";
import { closeSqlDatabase } from "../app/db/sql.server";
import { sweepAbandonedCheckouts } from "../app/abandonment/detector.server";
import { holdoutPosition } from "../app/abandonment/holdout";
import type { AdminGraphql } from "../app/shopify-admin/admin-graphql";
import { linkOrder } from "../app/recovery/link-order.server";
import { loadRecoveryMeasurement } from "../app/metrics/recovery-lift.server";
import { orderWebhookSchema } from "../app/recovery/order-payload";
import { recoveryCodeOf } from "../app/recovery/recovery-codes.server";
import { redactCustomer } from "../app/privacy/compliance.server";
import { unauthenticated } from "../app/shopify.server";
import { installShop } from "./admin-session";
import { customerPayload, orderWebhookPayload } from "./fixtures";
import { shopifyAdminDouble, type ShopifyAdminDouble } from "./shopify-admin-double";

// Issue 17 end to end through the detector, order linking and redaction, on
// the real database with Shopify's Admin API played by the double (the app's
// own admin client and offline session send the requests).
await vi.hoisted(async () => {
  const { fetch } = await import("undici");
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
});

afterAll(() => closeSqlDatabase());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date("2026-12-01T10:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const SCOPES = "read_checkouts,read_orders,write_pixels,read_customer_events,write_discounts";
const noWait = { sleep: async () => {} };

let double: ShopifyAdminDouble | null = null;
afterEach(() => {
  double?.close();
  double = null;
});

async function shopWith(overrides: Partial<Shop> = {}): Promise<Shop> {
  const domain = `recovery-${randomUUID().slice(0, 8)}.myshopify.com`;
  return installShop(domain, { countryCode: "IN", timezone: "Asia/Kolkata", scopes: SCOPES, ...overrides });
}

async function startDouble(shop: Shop) {
  const session = await prisma.session.findFirstOrThrow({ where: { shop: shop.domain, isOnline: false } });
  const { sessionStorage } = await import("../app/shopify.server");
  const stored = await sessionStorage.loadSession(session.id);
  double = shopifyAdminDouble(shop.domain, { accessToken: stored!.accessToken! });
  return double;
}

const appClient = async (shopDomain: string): Promise<AdminGraphql> => (await unauthenticated.admin(shopDomain)).admin.graphql;

async function dueCheckout(shop: Shop, token: string, contact: { email?: string; phone?: string }, extra: Record<string, unknown> = {}) {
  return prisma.checkout.create({
    data: {
      shopId: shop.id,
      token,
      email: contact.email ?? null,
      emailNormalized: contact.email ?? null,
      phone: contact.phone ?? null,
      phoneE164: contact.phone ?? null,
      trustedSeen: true,
      sources: "extension",
      currency: "INR",
      total: "2000.00",
      subtotal: "2000.00",
      lines: [{ title: "Jordans", quantity: 2, unitPrice: 1000, linePrice: 2000, variantId: "45515259445425" }],
      lastActivityAt: ago(30 * MINUTE),
      abandonDueAt: ago(10 * MINUTE),
      createdAt: ago(40 * MINUTE),
      ...extra,
    },
  });
}

async function endpointFor(shop: Shop) {
  return prisma.endpoint.create({
    data: { shopId: shop.id, name: "bsp", url: "https://bsp.example/hook", topics: ["abandonedCheckout", "checkoutRecovered"], secretCiphertext: "x" },
  });
}

const order = (overrides: Record<string, unknown>) =>
  orderWebhookSchema.parse(orderWebhookPayload({ checkout_token: null, created_at: NOW.toISOString(), ...overrides }));

describe("recovery codes through the detector", () => {
  it("makes one code per checkout before the event, and carries it in the body and the resume link", async () => {
    const shop = await shopWith({ recoveryCodesEnabled: true, recoveryCodeType: "percentage", recoveryCodeValue: "15", recoveryCodeValidityHours: 48 });
    const shopify = await startDouble(shop);
    await endpointFor(shop);
    const checkout = await dueCheckout(shop, "code-1", { email: "code1@example.com" });

    expect(await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait })).toMatchObject({ sent: 1 });
    const code = recoveryCodeOf(shop.domain, "code-1");
    const stored = await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(stored).toMatchObject({ status: "abandoned", recoveryGroup: "sent", recoveryCode: code, recoveryCodeType: "percentage", recoveryCodeValue: "15" });
    expect(stored.recoveryDiscountId).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\//);
    expect(stored.recoveryCodeEndsAt).toEqual(new Date(NOW.getTime() + 48 * HOUR));
    expect(stored.recoveryCodeDeactivateDueAt).toEqual(stored.recoveryCodeEndsAt);

    const event = await prisma.event.findFirstOrThrow({ where: { checkoutId: checkout.id }, include: { deliveries: true } });
    const payload = JSON.parse(event.payload);
    expect(payload.discountCode).toEqual({ code, type: "percentage", value: "15", endsAt: new Date(NOW.getTime() + 48 * HOUR).toISOString() });
    expect(payload.promotions).toContainEqual({ code, value: 300 });
    expect(new URL(payload.abandonedCheckoutUrl).searchParams.get("discount")).toBe(code);
    expect(JSON.parse(event.deliveries[0].body).discountCode.code).toBe(code);
    expect(shopify.calls.filter((c) => c.operation === "discountCodeBasicCreate")).toHaveLength(1);
    expect(shopify.discounts.size).toBe(1);
  });

  it("a crash after Shopify made the code, or a lost answer, still gives one code", async () => {
    const shop = await shopWith({ recoveryCodesEnabled: true });
    const shopify = await startDouble(shop);
    const checkout = await dueCheckout(shop, "code-crash", { email: "crash@example.com" });
    // The answer is lost on the way back, and the retry finds Shopify already has the code.
    shopify.fail({ kind: "response_lost" });
    await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait });
    // A detector that died after asking: the lease ran out and another pass asks again.
    await prisma.checkout.update({ where: { id: checkout.id }, data: { status: "open", abandonDueAt: NOW, recoveryDiscountId: null } });
    await prisma.event.deleteMany({ where: { checkoutId: checkout.id } });
    await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait });
    expect(shopify.discounts.size).toBe(1);
    expect(await prisma.event.count({ where: { checkoutId: checkout.id } })).toBe(1);
    const stored = await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(stored.recoveryDiscountId).toBe([...shopify.discounts.values()][0].id);
  });

  it("an Admin API failure records the event without a code, and the failure on the checkout", async () => {
    const shop = await shopWith({ recoveryCodesEnabled: true });
    const shopify = await startDouble(shop);
    await endpointFor(shop);
    const checkout = await dueCheckout(shop, "code-fail", { email: "fail@example.com" });
    shopify.fail({ kind: "server_error" }, { kind: "server_error" }, { kind: "server_error" }, { kind: "server_error" });
    expect(await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait })).toMatchObject({ sent: 1 });
    const stored = await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(stored.recoveryDiscountId).toBeNull();
    expect(stored.recoveryCodeError).toMatch(/^network: /);
    const event = await prisma.event.findFirstOrThrow({ where: { checkoutId: checkout.id } });
    expect(JSON.parse(event.payload).discountCode).toBeNull();
    expect(new URL(JSON.parse(event.payload).abandonedCheckoutUrl).searchParams.get("discount")).toBeNull();
  });

  it("without write_discounts granted nothing is asked, and the reason says how to grant it", async () => {
    const shop = await shopWith({ recoveryCodesEnabled: true, scopes: "read_checkouts,read_orders" });
    const shopify = await startDouble(shop);
    const checkout = await dueCheckout(shop, "code-scope", { email: "scope@example.com" });
    await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait });
    expect(shopify.calls).toEqual([]);
    expect((await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).recoveryCodeError).toMatch(/^scope_missing: .*write_discounts/);
    expect(await prisma.event.count({ where: { checkoutId: checkout.id } })).toBe(1);
  });

  it("an order using the code links by discount_code, and the code is deactivated on the next pass", async () => {
    const shop = await shopWith({ recoveryCodesEnabled: true });
    const shopify = await startDouble(shop);
    const checkout = await dueCheckout(shop, "code-order", { email: "coded@example.com" });
    await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait });
    const code = recoveryCodeOf(shop.domain, "code-order");

    // Another email, no token, no attribute: only the code ties the order to the checkout.
    const linked = await linkOrder(
      shop.domain,
      order({
        id: 5001,
        email: "someone-else@example.com",
        contact_email: null,
        customer: null,
        shipping_address: null,
        discount_codes: [{ code: code.toLowerCase(), amount: "300.00", type: "percentage" }],
      }),
      NOW,
    );
    expect(linked).toMatchObject({ id: checkout.id, matchType: "discount_code", orderId: "5001" });
    expect((await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).recoveryCodeDeactivateDueAt).toEqual(NOW);

    await sweepAbandonedCheckouts(new Date(NOW.getTime() + MINUTE), { adminClient: appClient, client: noWait });
    expect([...shopify.discounts.values()][0].status).toBe("EXPIRED");
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
      recoveryCodeDeactivateDueAt: null,
      recoveryCodeDeactivatedAt: new Date(NOW.getTime() + MINUTE),
    });
  });

  it("customers/redact ends the buyer's code and forgets their orders", async () => {
    const shop = await shopWith({ recoveryCodesEnabled: true, uninstalledAt: null });
    const shopify = await startDouble(shop);
    const checkout = await dueCheckout(shop, "code-redact", { email: "redact@example.com" });
    await sweepAbandonedCheckouts(NOW, { adminClient: appClient, client: noWait });
    await linkOrder(
      shop.domain,
      order({ id: 5002, email: "redact@example.com", shipping_address: null, customer: null }),
      new Date(NOW.getTime() - 10 * 24 * HOUR),
    );
    expect(await prisma.buyerOrder.count({ where: { shopId: shop.id } })).toBe(1);

    await redactCustomer(shop.domain, customerPayload(shop.domain, { email: "redact@example.com" }, { orders_to_redact: [5002] }));
    expect(await prisma.buyerOrder.count({ where: { shopId: shop.id } })).toBe(0);
    // Redaction marks the code due at the moment it runs (the real clock).
    await sweepAbandonedCheckouts(new Date(Date.now() + MINUTE), { adminClient: appClient, client: noWait });
    expect([...shopify.discounts.values()][0].status).toBe("EXPIRED");
    expect((await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).recoveryCodeDeactivatedAt).not.toBeNull();
  });
});

describe("holdout and send guard through the detector", () => {
  it("holds out exactly the checkouts below the share, with no event and no delivery ever", async () => {
    const shop = await shopWith({ holdoutPercent: 50 });
    await endpointFor(shop);
    const tokens = Array.from({ length: 12 }, (_, i) => `hold-${i}`);
    for (const [i, token] of tokens.entries()) await dueCheckout(shop, token, { email: `hold${i}@example.com` });
    const result = await sweepAbandonedCheckouts(NOW);
    const expectedHeld = tokens.filter((token) => holdoutPosition({ shopDomain: shop.domain, checkoutToken: token }) < 0.5);
    expect(expectedHeld.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ heldOut: expectedHeld.length, sent: tokens.length - expectedHeld.length });
    const rows = await prisma.checkout.findMany({ where: { shopId: shop.id }, include: { events: true } });
    for (const row of rows) {
      const held = expectedHeld.includes(row.token);
      expect(row).toMatchObject({ status: "abandoned", recoveryGroup: held ? "held_out" : "sent", suppressedReason: null });
      expect(row.holdoutPosition).toBeCloseTo(holdoutPosition({ shopDomain: shop.domain, checkoutToken: row.token }), 12);
      expect(row.events).toHaveLength(held ? 0 : 1);
    }
    expect(await prisma.delivery.count({ where: { shopId: shop.id, event: { checkout: { recoveryGroup: "held_out" } } } })).toBe(0);
    // Sweeping again changes nothing.
    expect(await sweepAbandonedCheckouts(new Date(NOW.getTime() + HOUR))).toMatchObject({ sent: 0, heldOut: 0 });

    // The dashboard's groups are these rows; twelve checkouts are too few to tell.
    const measured = await loadRecoveryMeasurement(shop, { preset: "custom", from: "2026-11-30", to: "2026-12-02", timeZone: "Asia/Kolkata" });
    expect(measured.lift.sent.checkouts).toBe(tokens.length - expectedHeld.length);
    expect(measured.lift.heldOut.checkouts).toBe(expectedHeld.length);
    expect(measured.lift.verdict).toBe("too_small");
  });

  it("an order after a held-out checkout links by contact, in a window from abandonment", async () => {
    const shop = await shopWith({ holdoutPercent: 50 });
    const token = Array.from({ length: 50 }, (_, i) => `held-order-${i}`).find((t) => holdoutPosition({ shopDomain: shop.domain, checkoutToken: t }) < 0.5)!;
    const checkout = await dueCheckout(shop, token, { email: "heldbuyer@example.com" });
    await sweepAbandonedCheckouts(NOW);
    const linked = await linkOrder(
      shop.domain,
      order({ id: 6001, email: "heldbuyer@example.com", shipping_address: null, customer: null, created_at: new Date(NOW.getTime() + 2 * HOUR).toISOString() }),
    );
    expect(linked).toMatchObject({ id: checkout.id, recoveryGroup: "held_out", status: "converted", matchType: "email" });
  });

  it("a buyer who ordered in the last day gets no event: recent_order", async () => {
    const shop = await shopWith();
    await endpointFor(shop);
    await linkOrder(
      shop.domain,
      order({ id: 7001, email: "bought@example.com", created_at: ago(20 * HOUR).toISOString(), shipping_address: null, customer: null }),
    );
    const checkout = await dueCheckout(shop, "recent-order", { email: "bought@example.com" });
    expect(await sweepAbandonedCheckouts(NOW)).toMatchObject({ sent: 0, suppressed: 1 });
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id }, include: { events: true } })).toMatchObject({
      status: "abandoned",
      suppressedReason: "recent_order",
      recoveryGroup: null,
      events: [],
    });
  });

  it("an order more than N days ago does not suppress", async () => {
    const shop = await shopWith({ recentOrderDays: 1 });
    await linkOrder(
      shop.domain,
      order({ id: 7002, email: "old@example.com", created_at: ago(25 * HOUR).toISOString(), shipping_address: null, customer: null }),
    );
    await dueCheckout(shop, "old-order", { email: "old@example.com" });
    expect(await sweepAbandonedCheckouts(NOW)).toMatchObject({ sent: 1, suppressed: 0 });
  });

  it("a second checkout of a buyer messaged 3 h ago is capped outside a short dedupe window: buyer_cap", async () => {
    const shop = await shopWith({ dedupeWindowHours: 2, buyerCapPerDay: 1 });
    await endpointFor(shop);
    const first = await dueCheckout(shop, "cap-1", { phone: "+919876500100" }, { lastActivityAt: ago(3 * HOUR + 20 * MINUTE), abandonDueAt: ago(3 * HOUR) });
    await sweepAbandonedCheckouts(ago(3 * HOUR));
    expect(await prisma.event.count({ where: { checkoutId: first.id } })).toBe(1);
    const second = await dueCheckout(shop, "cap-2", { phone: "+919876500100" });
    expect(await sweepAbandonedCheckouts(NOW)).toMatchObject({ sent: 0, suppressed: 1 });
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: second.id }, include: { events: true } })).toMatchObject({
      suppressedReason: "buyer_cap",
      events: [],
    });
  });

  it("stores the buyer's time zone and where it came from", async () => {
    const shop = await shopWith({ timezone: "Asia/Kolkata", countryCode: "IN" });
    const checkout = await dueCheckout(shop, "tz", { phone: "+12125550123" }, { countryCode: "US", provinceCode: "CA" });
    await sweepAbandonedCheckouts(NOW);
    expect(await prisma.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
      buyerTimeZone: "America/Los_Angeles",
      buyerTimeZoneSource: "shipping_province",
    });
  });
});

describe("what the checkouts page says", () => {
  it("names the group, the reason, the code and the buyer's zone", async () => {
    const { recoveryNotes } = await import("../app/recovery/recovery-notes");
    const none = {
      recoveryGroup: null,
      suppressedReason: null,
      recoveryCode: null,
      recoveryDiscountId: null,
      recoveryCodeType: null,
      recoveryCodeValue: null,
      recoveryCodeError: null,
      recoveryCodeDeactivatedAt: null,
      buyerTimeZone: null,
      buyerTimeZoneSource: null,
    };
    expect(recoveryNotes(none)).toEqual([]);
    expect(recoveryNotes({ ...none, recoveryGroup: "held_out", buyerTimeZone: "Asia/Kolkata", buyerTimeZoneSource: "shipping_province" })).toEqual([
      "held out to measure lift: never messaged",
      "buyer's time zone Asia/Kolkata (shipping address)",
    ]);
    expect(recoveryNotes({ ...none, suppressedReason: "buyer_cap" })).toEqual(["not messaged: the buyer was already messaged today"]);
    expect(
      recoveryNotes({
        ...none,
        recoveryGroup: "sent",
        recoveryCode: "CR-X",
        recoveryDiscountId: "gid://1",
        recoveryCodeType: "percentage",
        recoveryCodeValue: "10",
      }),
    ).toEqual(["code CR-X (10 % off)"]);
    expect(recoveryNotes({ ...none, recoveryGroup: "sent", recoveryCode: "CR-X", recoveryCodeError: "network: Shopify did not answer" })).toEqual([
      "no code: network: Shopify did not answer",
    ]);
  });
});
