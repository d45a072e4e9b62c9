// Delivery statuses: the one list, shared by the worker, the delivery log and
// the pages (no server imports).

export const DELIVERY_STATUSES = ["pending", "in_flight", "succeeded", "failed", "cancelled_converted", "expired", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What one resend may bring back; a cancelled_converted delivery never is (the buyer ordered). */
export const RESENDABLE_STATUSES: readonly DeliveryStatus[] = ["failed", "expired"];

export function isResendable(status: string): boolean {
  return (RESENDABLE_STATUSES as readonly string[]).includes(status);
}
