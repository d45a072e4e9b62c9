// Abandonment rules (DESIGN.md "Abandonment and recovery rules"), pure.

export interface AbandonmentSettings {
  abandonAfterMinutes: number;
  allowUntrustedEvents: boolean;
}

export interface AbandonmentCandidate {
  status: string;
  email: string | null;
  emailNormalized: string | null;
  phone: string | null;
  trustedSeen: boolean;
  lastActivityAt: Date;
  orderId: string | null;
}

export const ABANDON_AFTER_MINUTES = { min: 1, max: 1440, default: 10 } as const;

export function hasContact(checkout: Pick<AbandonmentCandidate, "emailNormalized" | "phone">): boolean {
  return Boolean(checkout.emailNormalized) || Boolean(checkout.phone?.trim());
}

/**
 * When the detector should look at a checkout, or null if it can never be
 * abandoned as it stands (no contact, already ordered or sent, or seen only
 * through the public pixel while the merchant has not allowed that).
 */
export function abandonDueAt(checkout: AbandonmentCandidate, settings: AbandonmentSettings): Date | null {
  if (checkout.status !== "open" || checkout.orderId) return null;
  if (!hasContact(checkout)) return null;
  if (!checkout.trustedSeen && !settings.allowUntrustedEvents) return null;
  return new Date(checkout.lastActivityAt.getTime() + settings.abandonAfterMinutes * 60_000);
}
