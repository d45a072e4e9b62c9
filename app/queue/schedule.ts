// When a delivery next needs a worker, as BullMQ job ids and delays. Pure:
// the BullMQ queue turns these into delayed jobs.

/** A lease that ran out is claimable strictly after lockedUntil; wait this much past it. */
export const LEASE_GRACE_MS = 1000;

export interface DeliveryTiming {
  status: string;
  nextAttemptAt: Date | null;
  lockedUntil: Date | null;
}

/**
 * The moment a worker should next look at a delivery: when it is due
 * (pending), or when its holder's lease runs out (in flight: the holder may
 * die); null once it is finished.
 */
export function nextRunAt(delivery: DeliveryTiming): Date | null {
  if (delivery.status === "pending") return delivery.nextAttemptAt;
  if (delivery.status === "in_flight" && delivery.lockedUntil) return new Date(delivery.lockedUntil.getTime() + LEASE_GRACE_MS);
  return null;
}

/**
 * One job id per delivery and due time, so every path that enqueues the same
 * work (announcement, follow-up, reconciliation) adds it once. BullMQ ids may
 * not contain ":". A job that must reschedule itself for the same moment (it
 * ran early on a clock a little behind) gets a distinct id.
 */
export function deliveryJobId(deliveryId: string, at: Date, currentJobId?: string): string {
  const id = `d-${deliveryId}-${at.getTime()}`;
  const same = currentJobId !== undefined && (currentJobId === id || currentJobId.startsWith(`${id}-`));
  return same ? `${currentJobId}-again` : id;
}

export function eventJobId(eventId: string): string {
  return `e-${eventId}`;
}

export function delayUntil(at: Date, now: Date): number {
  return Math.max(0, at.getTime() - now.getTime());
}
