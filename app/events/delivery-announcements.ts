// How code that records events tells whatever carries the work that
// deliveries may be due, without knowing what that is. The queue in use
// registers its listener when it starts (app/queue/): BullMQ enqueues a job at
// once, a web process at scale registers a Redis producer, the embedded queue
// polls the database and registers nothing. Telling is only a shortcut: the
// database stays the source of truth and the BullMQ reconciliation pass finds
// any delivery nobody was told about.
import { logger } from "../logger.server";

export type DeliveriesRecordedListener = (eventId: string) => void;

const listeners = new Set<DeliveriesRecordedListener>();

/** Registers a listener; returns the function that removes it. */
export function onDeliveriesRecorded(listener: DeliveriesRecordedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Called by recordEvent after it created deliveries, inside the caller's
 * transaction: listeners must not wait for anything, and must expect the rows
 * to become visible only when that transaction commits.
 */
export function announceDeliveries(eventId: string): void {
  for (const listener of listeners) {
    try {
      listener(eventId);
    } catch (error) {
      // A listener's failure must never fail the transaction that records the event.
      logger.warn({ err: error, eventId }, "could not announce an event");
    }
  }
}
