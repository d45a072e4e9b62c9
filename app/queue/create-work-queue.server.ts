import { env } from "../env.server";
import { createBullmqQueue, type BullmqQueueOptions } from "./bullmq.server";
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
