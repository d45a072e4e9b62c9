import { dedupeDecision, type SiblingCheckout } from "./rules";
import { HOUR_MS } from "../time";

// What one detector pass does with the checkouts it claimed, decided in
// memory for the whole batch, pure. The batch is walked in claim order and
// each decision sees the ones before it (a buyer's first checkout sent in
// this pass suppresses their second), so the outcomes are those of handling
// the checkouts one at a time.

export interface DueCheckout {
  id: number;
  shopId: string;
  emailNormalized: string | null;
  phoneE164: string | null;
  lastActivityAt: Date;
}

/** A checkout found by the contact lookup: a possible sibling of a due one. */
export interface ContactCheckout extends SiblingCheckout {
  shopId: string;
  emailNormalized: string | null;
  phoneE164: string | null;
}

export interface SweepShop {
  uninstalled: boolean;
  dedupeWindowHours: number;
}

export type PlannedOutcome =
  | { id: number; outcome: "sent" }
  | { id: number; outcome: "suppressed"; intoId: number }
  | { id: number; outcome: "collapsed"; intoId: number }
  /** The shop uninstalled the app: nothing is sent and the checkout is no longer due. */
  | { id: number; outcome: "skipped" };

/** When the dedupe window of a shop starts at `now`. */
export function dedupeWindowStart(now: Date, dedupeWindowHours: number): Date {
  return new Date(now.getTime() - dedupeWindowHours * HOUR_MS);
}

const contactKey = (shopId: string, value: string) => `${shopId}\u0000${value}`;

export function planSweep(due: readonly DueCheckout[], shops: ReadonlyMap<string, SweepShop>, found: readonly ContactCheckout[], now: Date): PlannedOutcome[] {
  // One mutable state per checkout, shared by both contact indexes, so a decision made here is seen by the next.
  const byId = new Map<number, ContactCheckout>();
  for (const row of found) byId.set(row.id, { ...row });
  const byEmail = new Map<string, ContactCheckout[]>();
  const byPhone = new Map<string, ContactCheckout[]>();
  for (const row of byId.values()) {
    if (row.emailNormalized)
      byEmail.set(contactKey(row.shopId, row.emailNormalized), [...(byEmail.get(contactKey(row.shopId, row.emailNormalized)) ?? []), row]);
    if (row.phoneE164) byPhone.set(contactKey(row.shopId, row.phoneE164), [...(byPhone.get(contactKey(row.shopId, row.phoneE164)) ?? []), row]);
  }

  return due.map((checkout): PlannedOutcome => {
    const shop = shops.get(checkout.shopId);
    if (!shop || shop.uninstalled) return { id: checkout.id, outcome: "skipped" };
    const since = dedupeWindowStart(now, shop.dedupeWindowHours).getTime();
    const siblings = new Map<number, ContactCheckout>();
    const candidates = [
      ...(checkout.emailNormalized ? (byEmail.get(contactKey(checkout.shopId, checkout.emailNormalized)) ?? []) : []),
      ...(checkout.phoneE164 ? (byPhone.get(contactKey(checkout.shopId, checkout.phoneE164)) ?? []) : []),
    ];
    for (const row of candidates) {
      if (row.id !== checkout.id && row.lastActivityAt.getTime() >= since) siblings.set(row.id, row);
    }
    const decision = dedupeDecision(checkout, [...siblings.values()], now, shop.dedupeWindowHours);
    const self = byId.get(checkout.id);
    if (decision.action === "collapse") return { id: checkout.id, outcome: "collapsed", intoId: decision.intoId };
    if (decision.action === "suppress") {
      if (self) self.status = "abandoned";
      return { id: checkout.id, outcome: "suppressed", intoId: decision.intoId };
    }
    if (self) {
      self.status = "abandoned";
      self.abandonedEventAt = now;
    }
    return { id: checkout.id, outcome: "sent" };
  });
}
