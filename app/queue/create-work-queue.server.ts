import { env } from "../env.server";
import { onDeliveriesRecorded } from "../events/delivery-announcements";
import { createBullmqQueue, createDeliveryAnnouncer, type BullmqQueueOptions, type DeliveryAnnouncer } from "./bullmq.server";
import { createEmbeddedQueue } from "./embedded.server";
import type { WorkQueue } from "./work-queue";

export interface WorkQueueOptions {
  /** Attempts in flight at once in this process. */
  concurrency?: number;
}

/** The work queue this deployment is configured for: BullMQ when REDIS_URL is set, else the embedded loop. */
export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  if (env.REDIS_URL) {
    const bullmq: BullmqQueueOptions = { redisUrl: env.REDIS_URL, ...options };
    return createBullmqQueue(bullmq);
  }
  return createEmbeddedQueue(options);
}

/**
 * For a process that records events but runs no queue (a web process at
 * scale): announces new deliveries to BullMQ through a Redis producer made on
 * the first announcement. Without REDIS_URL the embedded queue polls and
 * nothing needs telling. Resolves to the function that stops announcing.
 */
export function announceDeliveriesToQueue(): () => Promise<void> {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl) return async () => {};
  let announcer: DeliveryAnnouncer | null = null;
  const unsubscribe = onDeliveriesRecorded((eventId) => {
    announcer ??= createDeliveryAnnouncer({ redisUrl });
    announcer.announce(eventId);
  });
  return async () => {
    unsubscribe();
    await announcer?.close();
  };
}
