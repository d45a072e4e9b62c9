import { decideSend, type BuyerAbandonedEvent, type BuyerOrder, type GuardedCheckout, type SendGuardDecision, type SendGuardSettings } from "./send-guard";

// The send guard over one detector batch, pure: each checkout the dedupe
// rules would send is decided in claim order, and a decision to send or hold
// out counts towards the per-buyer cap of the checkouts after it, so the
// batch gives the answers of deciding the checkouts one at a time.

export interface GuardShop extends SendGuardSettings {
  domain: string;
}

export interface GuardPlanInput {
  checkouts: readonly (Omit<GuardedCheckout, "shopDomain"> & { shopId: string })[];
  shops: ReadonlyMap<string, GuardShop>;
  /** the shops' recent orders of the batch's buyers */
  orders: readonly (BuyerOrder & { shopId: string })[];
  /** abandoned-cart decisions already recorded for the batch's buyers */
  events: readonly (BuyerAbandonedEvent & { shopId: string })[];
  now: Date;
}

export function planGuard(input: GuardPlanInput): Map<number, SendGuardDecision> {
  const events = [...input.events];
  const decisions = new Map<number, SendGuardDecision>();
  for (const checkout of input.checkouts) {
    const shop = input.shops.get(checkout.shopId)!;
    const decision = decideSend(
      { ...checkout, shopDomain: shop.domain },
      {
        now: input.now,
        orders: input.orders.filter((order) => order.shopId === checkout.shopId),
        events: events.filter((event) => event.shopId === checkout.shopId),
      },
      shop,
    );
    decisions.set(checkout.id, decision);
    if (decision.action === "send" || decision.reason === "held_out") {
      events.push({
        shopId: checkout.shopId,
        checkoutId: checkout.id,
        phoneE164: checkout.phoneE164,
        emailNormalized: checkout.emailNormalized,
        at: input.now,
      });
    }
  }
  return decisions;
}
