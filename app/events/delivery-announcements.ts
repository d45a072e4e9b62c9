// How code that records events tells the queue in use that deliveries may be
// due. The embedded queue polls the database and registers nothing; the
// BullMQ queue registers a listener that enqueues a job at once. Telling is
// only a shortcut: the database stays the source of truth and the BullMQ
// reconciliation pass finds any delivery nobody was told about.
import { env } from "../env.server";
import { logger } from "../logger.server";

export type DeliveriesRecordedListener = (eventId: string) => void;

const listeners = new Set<DeliveriesRecordedListener>();
let fallback: Promise<DeliveriesRecordedListener> | null = null;

/** Registers a listener; returns the function that removes it. */
export function onDeliveriesRecorded(listener: DeliveriesRecordedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A process that runs no queue (a web process at scale) still announces, through a Redis producer made on first use. */
function fallbackListener(): Promise<DeliveriesRecordedListener> | null {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl) return null;
  fallback ??= import("../queue/bullmq.server").then(({ createDeliveryAnnouncer }) => {
    const announcer = createDeliveryAnnouncer({ redisUrl });
    return (eventId: string) => announcer.announce(eventId);
  });
  return fallback;
}

/**
 * Called by recordEvent after it created deliveries, inside the caller's
 * transaction: listeners must not wait for anything, and must expect the rows
 * to become visible only when that transaction commits.
 */
export function announceDeliveries(eventId: string): void {
  if (listeners.size === 0) {
    fallbackListener()
      ?.then((announce) => announce(eventId))
      .catch((error) => logger.warn({ err: error, eventId }, "could not announce an event"));
    return;
  }
  for (const listener of listeners) {
    try {
      listener(eventId);
    } catch (error) {
      // A listener's failure must never fail the transaction that records the event.
      logger.warn({ err: error, eventId }, "could not announce an event");
    }
  }
}
