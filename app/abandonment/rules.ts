// Abandonment rules (DESIGN.md "Abandonment and recovery rules"), pure.
import { HOUR_MS, MINUTE_MS } from "../time";

export interface AbandonmentSettings {
  abandonAfterMinutes: number;
  allowUntrustedEvents: boolean;
}

export { MINUTE_MS };

export interface AbandonmentCandidate {
  status: string;
  email: string | null;
  emailNormalized: string | null;
  phone: string | null;
  /** the shipping address's phone: the buyer's phone when the contact step gave none */
  addressPhone?: string | null;
  trustedSeen: boolean;
  lastActivityAt: Date;
  orderId: string | null;
}

export const ABANDON_AFTER_MINUTES = { min: 1, max: 1440, default: 10 } as const;

/** The phone to reach the buyer on: the contact phone, else the shipping address's. */
export function contactPhone(checkout: Pick<AbandonmentCandidate, "phone" | "addressPhone">): string | null {
  return checkout.phone ?? checkout.addressPhone ?? null;
}

export function hasContact(checkout: Pick<AbandonmentCandidate, "emailNormalized" | "phone" | "addressPhone">): boolean {
  return Boolean(checkout.emailNormalized) || Boolean(contactPhone(checkout)?.trim());
}

/**
 * When the detector should look at a checkout, or null if it can never be
 * abandoned as it stands (no contact, already ordered or sent, or seen only
 * through the public pixel while the merchant has not allowed that). The one
 * place a due time is computed: `minuteMs` is the policy minute
 * (`policyMinuteMs(env)`, shorter under CART_RELAY_TIME_SCALE).
 */
export function abandonDueAt(checkout: AbandonmentCandidate, settings: AbandonmentSettings, minuteMs: number): Date | null {
  if (checkout.status !== "open" || checkout.orderId) return null;
  if (!hasContact(checkout)) return null;
  if (!checkout.trustedSeen && !settings.allowUntrustedEvents) return null;
  return new Date(checkout.lastActivityAt.getTime() + settings.abandonAfterMinutes * minuteMs);
}

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

/** "Only buyers who opted in": an explicit WhatsApp answer wins; without one, Shopify's SMS consent counts. */
export function hasMessagingConsent(checkout: { whatsappOptIn: boolean | null; smsMarketing: boolean | null }): boolean {
  if (checkout.whatsappOptIn !== null) return checkout.whatsappOptIn;
  return checkout.smsMarketing === true;
}
