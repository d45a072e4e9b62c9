import { assignHoldout } from "./holdout";
import { DAY_MS } from "../time";

// Send guard (DESIGN.md "Abandonment and recovery rules"), pure: whether a
// due abandoned checkout gets its abandonedCheckout event, decided from the
// buyer's recent orders and the abandoned-cart events already recorded for
// them. The detector reads those rows, calls decideSend, and records the
// decision (and its reason) with the checkout.
//
// The order of the rules matters for the holdout measurement: a checkout the
// guard would suppress anyway never enters either group, so the sent and
// held-out groups hold the same kind of checkout and their difference is the
// effect of the message alone. For the same reason a held-out decision counts
// towards the per-buyer cap like a sent one: inside the cap's 24 hours a
// buyer belongs to one group only.

/** Buyer with any order in the last N days gets no abandoned-cart event; 0 turns the rule off. */
export const RECENT_ORDER_DAYS = { min: 0, max: 30, default: 1 } as const;
/** At most this many abandoned-cart events per buyer per 24 hours, across checkouts; 0 turns the cap off. */
export const BUYER_CAP_PER_DAY = { min: 0, max: 10, default: 1 } as const;
export const BUYER_CAP_WINDOW_MS = DAY_MS;

export type SuppressionReason = "recent_order" | "buyer_cap" | "held_out";

/** A buyer as the guard matches them: E.164 phone and normalised email (app/contact.ts). */
export interface BuyerIdentity {
  phoneE164: string | null;
  emailNormalized: string | null;
}

export interface GuardedCheckout extends BuyerIdentity {
  id: number;
  /** Shopify's checkout token: with the shop domain, the holdout key */
  token: string;
  shopDomain: string;
}

/** An order the shop received (orders/create), whichever checkout it came from. */
export interface BuyerOrder extends BuyerIdentity {
  orderId: string;
  createdAt: Date;
}

/** An abandoned-cart decision already recorded for a checkout: sent, or held out. */
export interface BuyerAbandonedEvent extends BuyerIdentity {
  checkoutId: number;
  at: Date;
}

export interface SendGuardSettings {
  recentOrderDays: number;
  buyerCapPerDay: number;
  /** fraction held out, 0 to 0.5 */
  holdoutShare: number;
}

export const SEND_GUARD_DEFAULTS: SendGuardSettings = {
  recentOrderDays: RECENT_ORDER_DAYS.default,
  buyerCapPerDay: BUYER_CAP_PER_DAY.default,
  holdoutShare: 0,
};

export type SendGuardDecision =
  | { action: "send"; holdoutPosition: number }
  | { action: "suppress"; reason: "recent_order"; orderId: string; orderCreatedAt: Date }
  | { action: "suppress"; reason: "buyer_cap"; cap: number; checkoutIds: number[] }
  | { action: "suppress"; reason: "held_out"; holdoutPosition: number };

export class SendGuardSettingsError extends Error {
  override name = "SendGuardSettingsError";
  readonly kind = "invalid_send_guard_settings";
}

/** The same buyer: the same E.164 phone or the same normalised email (either is enough, neither blank). */
export function sameBuyer(a: BuyerIdentity, b: BuyerIdentity): boolean {
  return Boolean((a.phoneE164 && a.phoneE164 === b.phoneE164) || (a.emailNormalized && a.emailNormalized === b.emailNormalized));
}

function checkSettings(settings: SendGuardSettings): void {
  const whole = (name: string, value: number, range: { min: number; max: number }) => {
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw new SendGuardSettingsError(`${name} must be a whole number from ${range.min} to ${range.max}, got ${String(value)}`);
    }
  };
  whole("recentOrderDays", settings.recentOrderDays, RECENT_ORDER_DAYS);
  whole("buyerCapPerDay", settings.buyerCapPerDay, BUYER_CAP_PER_DAY);
}

/**
 * Send or suppress, with the reason and the rows behind it.
 * - recent_order: an order of the same buyer created at or after
 *   now - recentOrderDays (the window's start is inside; an order stamped
 *   after `now` by Shopify's clock counts too);
 * - buyer_cap: at least buyerCapPerDay events (sent or held out) for other
 *   checkouts of the buyer later than now - 24 h (one exactly 24 h old no
 *   longer counts); the checkout's own event never counts, so deciding again
 *   after a crash gives the same answer;
 * - held_out: the holdout assignment of app/abandonment/holdout.ts.
 */
export function decideSend(
  checkout: GuardedCheckout,
  history: { now: Date; orders: readonly BuyerOrder[]; events: readonly BuyerAbandonedEvent[] },
  settings: SendGuardSettings = SEND_GUARD_DEFAULTS,
): SendGuardDecision {
  checkSettings(settings);
  const now = history.now.getTime();

  if (settings.recentOrderDays > 0) {
    const since = now - settings.recentOrderDays * DAY_MS;
    const order = history.orders
      .filter((o) => sameBuyer(checkout, o) && o.createdAt.getTime() >= since)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    if (order) return { action: "suppress", reason: "recent_order", orderId: order.orderId, orderCreatedAt: order.createdAt };
  }

  if (settings.buyerCapPerDay > 0) {
    const since = now - BUYER_CAP_WINDOW_MS;
    const earlier = history.events.filter((e) => e.checkoutId !== checkout.id && sameBuyer(checkout, e) && e.at.getTime() > since);
    const checkoutIds = [...new Set(earlier.map((e) => e.checkoutId))];
    if (checkoutIds.length >= settings.buyerCapPerDay) {
      return { action: "suppress", reason: "buyer_cap", cap: settings.buyerCapPerDay, checkoutIds: checkoutIds.sort((a, b) => a - b) };
    }
  }

  const holdout = assignHoldout({ shopDomain: checkout.shopDomain, checkoutToken: checkout.token }, settings.holdoutShare);
  if (holdout.heldOut) return { action: "suppress", reason: "held_out", holdoutPosition: holdout.position };
  return { action: "send", holdoutPosition: holdout.position };
}
