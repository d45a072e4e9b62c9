// When the detector should next look at a Checkout: its due time, computed
// here and nowhere else (DESIGN.md "Abandonment and recovery rules"), pure.
// Capture writes it on every merge; a settings change moves it.

export interface AbandonmentSettings {
  abandonAfterMinutes: number;
  allowUntrustedEvents: boolean;
}

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
 * through the public pixel while the merchant has not allowed that).
 * `minuteMs` is the policy minute (`policyMinuteMs(env)`, shorter under
 * CART_RELAY_TIME_SCALE).
 */
export function abandonDueAt(checkout: AbandonmentCandidate, settings: AbandonmentSettings, minuteMs: number): Date | null {
  if (checkout.status !== "open" || checkout.orderId) return null;
  if (!hasContact(checkout)) return null;
  if (!checkout.trustedSeen && !settings.allowUntrustedEvents) return null;
  return new Date(checkout.lastActivityAt.getTime() + settings.abandonAfterMinutes * minuteMs);
}
