import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sweepAbandonedCheckouts } from "../abandonment/detector.server";
import { createDeliveryLanes } from "../delivery/lanes.server";
import { systemClock, type WorkerClock } from "../delivery/worker.server";
import { logger } from "../logger.server";
import { purgeExpiredData, RETENTION_PURGE_INTERVAL_MS } from "../privacy/retention.server";
import { onDeliveriesRecorded } from "../events/delivery-announcements";
import type { WorkQueue } from "./work-queue";

export interface EmbeddedQueueOptions {
  pollIntervalMs?: number;
  /** Attempts in flight at once in this process. */
  concurrency?: number;
  endpointCap?: number;
  shopCap?: number;
  clock?: WorkerClock;
  workerId?: string;
}

/**
 * The embedded default: in this process, one loop runs the abandonment
 * detector (and the retention purge), and the delivery lanes claim due
 * deliveries continuously. Both poll the database on indexed due times; an
 * event recorded in this process wakes the lanes at once.
 */
export function createEmbeddedQueue(options: EmbeddedQueueOptions = {}): WorkQueue {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const clock = options.clock ?? systemClock;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;
  const lanes = createDeliveryLanes({
    workerId,
    concurrency: options.concurrency,
    endpointCap: options.endpointCap,
    shopCap: options.shopCap,
    pollIntervalMs,
    clock,
  });

  let lastPurgeAt = 0;

  async function tick() {
    if (clock.now().getTime() - lastPurgeAt >= RETENTION_PURGE_INTERVAL_MS) {
      lastPurgeAt = clock.now().getTime();
      const purged = await purgeExpiredData(clock.now());
      logger.info({ ...purged, workerId }, "retention purge");
    }
    const swept = await sweepAbandonedCheckouts(clock.now());
    if (swept.sent > 0) lanes.wake();
  }

  async function run() {
    while (running) {
      try {
        await tick();
      } catch (error) {
        logger.error({ err: error, workerId }, "worker tick failed");
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollIntervalMs);
      });
      wake = null;
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      lanes.start();
      unsubscribe = onDeliveriesRecorded(() => setImmediate(() => lanes.wake()));
      loop = run();
      logger.info({ workerId, pollIntervalMs }, "embedded worker started");
    },
    async stop() {
      running = false;
      unsubscribe?.();
      wake?.();
      await Promise.all([loop, lanes.stop()]);
      logger.info({ workerId }, "embedded worker stopped");
    },
  };
}
