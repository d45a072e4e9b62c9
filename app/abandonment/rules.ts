// Abandonment rules (DESIGN.md "Abandonment and recovery rules"), pure. The
// due time is the Checkout's own (capture/due-time.ts) and the consent rule
// decides who receives what (events/subscriptions.ts).
import { HOUR_MS } from "../time";

/** Another checkout of the same buyer (same normalised phone or email) in the shop. */
export interface SiblingCheckout {
  id: number;
  status: string;
  lastActivityAt: Date;
  orderCreatedAt: Date | null;
  /** When an abandonedCheckout event was created for it, if ever. */
  abandonedEventAt: Date | null;
}

export type DedupeDecision =
  | { action: "send" }
  /** The buyer already got a message for another checkout inside the window: record, do not re-send. */
  | { action: "suppress"; intoId: number }
  /** A newer checkout of the same buyer (or their order) supersedes this one. */
  | { action: "collapse"; intoId: number };

/**
 * DESIGN.md: a buyer who comes back and leaves again inside the dedupe
 * window is not re-sent, and checkouts of the same phone/email inside it
 * collapse into the newest one.
 */
export function dedupeDecision(checkout: { lastActivityAt: Date }, siblings: SiblingCheckout[], now: Date, dedupeWindowHours: number): DedupeDecision {
  const windowStart = now.getTime() - dedupeWindowHours * HOUR_MS;
  const alreadySent = siblings
    .filter((s) => s.abandonedEventAt && s.abandonedEventAt.getTime() >= windowStart)
    .sort((a, b) => b.abandonedEventAt!.getTime() - a.abandonedEventAt!.getTime())[0];
  if (alreadySent) return { action: "suppress", intoId: alreadySent.id };

  const superseding = siblings
    .filter(
      (s) => s.lastActivityAt > checkout.lastActivityAt && (s.status === "open" || (s.orderCreatedAt !== null && s.orderCreatedAt.getTime() >= windowStart)),
    )
    .sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime())[0];
  if (superseding) return { action: "collapse", intoId: superseding.id };
  return { action: "send" };
}
