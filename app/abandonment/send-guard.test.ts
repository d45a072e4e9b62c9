import { describe, expect, it } from "vitest";
import { holdoutPosition } from "./holdout";
import {
  decideSend,
  sameBuyer,
  SendGuardSettingsError,
  type BuyerAbandonedEvent,
  type BuyerOrder,
  type GuardedCheckout,
  type SendGuardSettings,
} from "./send-guard";

const SHOP = "guard-shop.myshopify.com";
const NOW = new Date("2026-12-01T10:00:00.000Z");
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const PHONE = "+919876543210";
const EMAIL = "asha@example.com";
const checkout = (overrides: Partial<GuardedCheckout> = {}): GuardedCheckout => ({
  id: 10,
  token: "guard-token-10",
  shopDomain: SHOP,
  phoneE164: PHONE,
  emailNormalized: EMAIL,
  ...overrides,
});
const order = (createdAt: Date, identity: Partial<BuyerOrder> = {}): BuyerOrder => ({
  orderId: "gid://shopify/Order/1",
  createdAt,
  phoneE164: PHONE,
  emailNormalized: EMAIL,
  ...identity,
});
const event = (checkoutId: number, at: Date, identity: Partial<BuyerAbandonedEvent> = {}): BuyerAbandonedEvent => ({
  checkoutId,
  at,
  phoneE164: PHONE,
  emailNormalized: EMAIL,
  ...identity,
});
const settings = (overrides: Partial<SendGuardSettings> = {}): SendGuardSettings => ({ recentOrderDays: 1, buyerCapPerDay: 1, holdoutShare: 0, ...overrides });

const OTHER = { phoneE164: "+14155550100", emailNormalized: "someone@example.com" };

describe("send guard", () => {
  it.each([
    // recent orders: N days back, the start of the window inside
    { name: "no history: send", orders: [], events: [], expected: "send" },
    { name: "an order an hour ago", orders: [order(ago(HOUR))], events: [], expected: "recent_order" },
    { name: "an order exactly one day ago (window start is inside)", orders: [order(ago(DAY))], events: [], expected: "recent_order" },
    { name: "an order one day and a millisecond ago", orders: [order(ago(DAY + 1))], events: [], expected: "send" },
    { name: "an order stamped a minute after now by Shopify's clock", orders: [order(ago(-60_000))], events: [], expected: "recent_order" },
    { name: "an order 3 days ago with N = 7", orders: [order(ago(3 * DAY))], events: [], settings: { recentOrderDays: 7 }, expected: "recent_order" },
    { name: "an order 8 days ago with N = 7", orders: [order(ago(8 * DAY))], events: [], settings: { recentOrderDays: 7 }, expected: "send" },
    { name: "N = 0 turns the order rule off", orders: [order(ago(HOUR))], events: [], settings: { recentOrderDays: 0 }, expected: "send" },
    // identity: phone or email, either is enough
    { name: "same phone, other email", orders: [order(ago(HOUR), { emailNormalized: "other@example.com" })], events: [], expected: "recent_order" },
    { name: "same email, no phone on the order", orders: [order(ago(HOUR), { phoneE164: null })], events: [], expected: "recent_order" },
    { name: "another buyer's order", orders: [order(ago(HOUR), OTHER)], events: [], expected: "send" },
    {
      name: "blank identities never match",
      orders: [order(ago(HOUR), { phoneE164: null, emailNormalized: null })],
      events: [],
      checkout: { phoneE164: null },
      expected: "send",
    },
    // the cap: events for other checkouts in the last 24 h, exclusive at 24 h
    { name: "another checkout sent an hour ago", orders: [], events: [event(9, ago(HOUR))], expected: "buyer_cap" },
    { name: "another checkout sent exactly 24 h ago no longer counts", orders: [], events: [event(9, ago(DAY))], expected: "send" },
    { name: "another checkout sent 24 h less a millisecond ago", orders: [], events: [event(9, ago(DAY - 1))], expected: "buyer_cap" },
    { name: "the checkout's own event does not count", orders: [], events: [event(10, ago(HOUR))], expected: "send" },
    { name: "cap 2 with one earlier checkout", orders: [], events: [event(9, ago(HOUR))], settings: { buyerCapPerDay: 2 }, expected: "send" },
    {
      name: "cap 2 with two earlier checkouts",
      orders: [],
      events: [event(8, ago(5 * HOUR)), event(9, ago(HOUR))],
      settings: { buyerCapPerDay: 2 },
      expected: "buyer_cap",
    },
    { name: "cap 0 turns the cap off", orders: [], events: [event(8, ago(2 * HOUR)), event(9, ago(HOUR))], settings: { buyerCapPerDay: 0 }, expected: "send" },
    {
      name: "an event of the same phone under another email",
      orders: [],
      events: [event(9, ago(HOUR), { emailNormalized: "x@example.com" })],
      expected: "buyer_cap",
    },
    {
      name: "an event of the same email under another phone",
      orders: [],
      events: [event(9, ago(HOUR), { phoneE164: "+919999999999" })],
      expected: "buyer_cap",
    },
    { name: "another buyer's event", orders: [], events: [event(9, ago(HOUR), OTHER)], expected: "send" },
    // holdout, after the other rules
    {
      name: "held out at 50 % (this checkout's position is below 0.5)",
      orders: [],
      events: [],
      checkout: { token: "held-token" },
      settings: { holdoutShare: 0.5 },
      expected: "held_out",
    },
    {
      name: "a recent order wins over the holdout",
      orders: [order(ago(HOUR))],
      events: [],
      checkout: { token: "held-token" },
      settings: { holdoutShare: 0.5 },
      expected: "recent_order",
    },
    {
      name: "the cap wins over the holdout",
      orders: [],
      events: [event(9, ago(HOUR))],
      checkout: { token: "held-token" },
      settings: { holdoutShare: 0.5 },
      expected: "buyer_cap",
    },
    { name: "a recent order wins over the cap", orders: [order(ago(HOUR))], events: [event(9, ago(HOUR))], expected: "recent_order" },
  ] as {
    name: string;
    orders: BuyerOrder[];
    events: BuyerAbandonedEvent[];
    checkout?: Partial<GuardedCheckout>;
    settings?: Partial<SendGuardSettings>;
    expected: string;
  }[])("$name: $expected", ({ orders, events, checkout: overrides, settings: own, expected }) => {
    const decision = decideSend(checkout(overrides), { now: NOW, orders, events }, settings(own));
    expect(decision.action === "send" ? "send" : decision.reason).toBe(expected);
  });

  it("has a token that the holdout puts below 0.5 for the table above", () => {
    expect(holdoutPosition({ shopDomain: SHOP, checkoutToken: "held-token" })).toBeLessThan(0.5);
  });

  it("names the order and the checkouts behind a suppression", () => {
    const older = order(ago(20 * HOUR), { orderId: "gid://shopify/Order/older" });
    const newest = order(ago(2 * HOUR), { orderId: "gid://shopify/Order/newest" });
    expect(decideSend(checkout(), { now: NOW, orders: [older, newest], events: [] })).toEqual({
      action: "suppress",
      reason: "recent_order",
      orderId: "gid://shopify/Order/newest",
      orderCreatedAt: newest.createdAt,
    });
    expect(
      decideSend(
        checkout(),
        { now: NOW, orders: [], events: [event(12, ago(HOUR)), event(7, ago(3 * HOUR)), event(10, ago(HOUR))] },
        settings({ buyerCapPerDay: 2 }),
      ),
    ).toEqual({
      action: "suppress",
      reason: "buyer_cap",
      cap: 2,
      checkoutIds: [7, 12],
    });
    const position = holdoutPosition({ shopDomain: SHOP, checkoutToken: "held-token" });
    expect(decideSend(checkout({ token: "held-token" }), { now: NOW, orders: [], events: [] }, settings({ holdoutShare: 0.5 }))).toEqual({
      action: "suppress",
      reason: "held_out",
      holdoutPosition: position,
    });
    expect(decideSend(checkout({ token: "held-token" }), { now: NOW, orders: [], events: [] })).toEqual({ action: "send", holdoutPosition: position });
  });

  it("lets one buyer's checkouts through one per day, in order", () => {
    // Three checkouts of one buyer abandoned over two days; the detector records each decision as it goes.
    const recorded: BuyerAbandonedEvent[] = [];
    const outcomes = [
      { id: 1, at: ago(30 * HOUR) },
      { id: 2, at: ago(20 * HOUR) },
      { id: 3, at: ago(HOUR) },
    ].map(({ id, at }) => {
      const decision = decideSend(checkout({ id, token: `buyer-${id}` }), { now: at, orders: [], events: recorded });
      if (decision.action === "send") recorded.push(event(id, at));
      return decision.action === "send" ? "send" : decision.reason;
    });
    // Checkout 2 comes 10 h after 1 was sent; checkout 3 comes 29 h after 1 and 2 was never sent.
    expect(outcomes).toEqual(["send", "buyer_cap", "send"]);
  });

  it.each([
    [{ recentOrderDays: -1 }, "recentOrderDays must be a whole number from 0 to 30, got -1"],
    [{ recentOrderDays: 1.5 }, "recentOrderDays must be a whole number from 0 to 30, got 1.5"],
    [{ recentOrderDays: 31 }, "recentOrderDays must be a whole number from 0 to 30, got 31"],
    [{ buyerCapPerDay: 11 }, "buyerCapPerDay must be a whole number from 0 to 10, got 11"],
    [{ buyerCapPerDay: Number.NaN }, "buyerCapPerDay must be a whole number from 0 to 10, got NaN"],
  ])("refuses settings %o", (own, message) => {
    expect(() => decideSend(checkout(), { now: NOW, orders: [], events: [] }, settings(own))).toThrow(SendGuardSettingsError);
    expect(() => decideSend(checkout(), { now: NOW, orders: [], events: [] }, settings(own))).toThrow(message);
  });

  it("refuses a holdout share outside 0 to 0.5", () => {
    expect(() => decideSend(checkout(), { now: NOW, orders: [], events: [] }, settings({ holdoutShare: 0.6 }))).toThrow(
      "holdout share must be between 0 and 0.5",
    );
  });
});

describe("sameBuyer", () => {
  it.each([
    [{ phoneE164: PHONE, emailNormalized: null }, { phoneE164: PHONE, emailNormalized: EMAIL }, true],
    [{ phoneE164: null, emailNormalized: EMAIL }, { phoneE164: "+15550000000", emailNormalized: EMAIL }, true],
    [{ phoneE164: PHONE, emailNormalized: EMAIL }, OTHER, false],
    [{ phoneE164: null, emailNormalized: null }, { phoneE164: null, emailNormalized: null }, false],
    [{ phoneE164: "", emailNormalized: "" }, { phoneE164: "", emailNormalized: "" }, false],
  ])("%o and %o: %s", (a, b, expected) => {
    expect(sameBuyer(a, b)).toBe(expected);
    expect(sameBuyer(b, a)).toBe(expected);
  });
});
