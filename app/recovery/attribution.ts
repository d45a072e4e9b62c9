// Order attribution (DESIGN.md "Abandonment and recovery rules"), pure.

export type MatchType = "checkout_token" | "permalink" | "discount_code" | "email" | "phone";

export interface LinkOutcome {
  status: "converted" | "recovered";
  delayMinutes: number | null;
}

/**
 * Linked before any delivery succeeded: the buyer came back on their own
 * (converted). After: our message plausibly brought them back (recovered).
 */
export function classifyLink(firstSuccessAt: Date | null, orderCreatedAt: Date): LinkOutcome {
  if (!firstSuccessAt || firstSuccessAt > orderCreatedAt) return { status: "converted", delayMinutes: null };
  return { status: "recovered", delayMinutes: Math.round((orderCreatedAt.getTime() - firstSuccessAt.getTime()) / 60_000) };
}

/** Contact matches only count inside the attribution window after the first successful delivery. */
export function withinAttributionWindow(firstSuccessAt: Date | null, orderCreatedAt: Date, windowDays: number): boolean {
  if (!firstSuccessAt) return false;
  const elapsed = orderCreatedAt.getTime() - firstSuccessAt.getTime();
  return elapsed >= 0 && elapsed <= windowDays * 24 * 60 * 60_000;
}

/**
 * The contact-match window of a checkout in the recovery measurement (a
 * recovery group was decided): it starts at abandonment for the sent and the
 * held-out group alike, since a held-out checkout never has a delivery, so
 * both groups' conversions are counted over the same span.
 */
export function withinGroupWindow(abandonedAt: Date | null, orderCreatedAt: Date, windowDays: number): boolean {
  return withinAttributionWindow(abandonedAt, orderCreatedAt, windowDays);
}
