import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sweepAbandonedCheckouts } from "../abandonment/detector.server";
import { claimDueDeliveries, performAttempt, releaseClaims, systemClock, type WorkerClock } from "../delivery/worker.server";
import { logger } from "../logger.server";
import { purgeExpiredData, RETENTION_PURGE_INTERVAL_MS } from "../privacy/retention.server";
import type { WorkQueue } from "./work-queue";

export interface EmbeddedQueueOptions {
  pollIntervalMs?: number;
  concurrency?: number;
  clock?: WorkerClock;
  workerId?: string;
}

/**
 * The embedded default: one loop in this process polls the database for due
 * checkouts and deliveries. Both queries are indexed on their due time.
 */
export function createEmbeddedQueue(options: EmbeddedQueueOptions = {}): WorkQueue {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const concurrency = options.concurrency ?? 8;
  const clock = options.clock ?? systemClock;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  let lastPurgeAt = 0;

  async function tick(): Promise<number> {
    if (clock.now().getTime() - lastPurgeAt >= RETENTION_PURGE_INTERVAL_MS) {
      lastPurgeAt = clock.now().getTime();
      const purged = await purgeExpiredData(clock.now());
      logger.info({ ...purged, workerId }, "retention purge");
    }
    await sweepAbandonedCheckouts(clock.now());
    const claimed = await claimDueDeliveries(workerId, clock.now(), concurrency);
    let index = 0;
    const lane = async () => {
      while (index < claimed.length) {
        const id = claimed[index++]!;
        if (!running) {
          await releaseClaims(workerId, [id]);
          continue;
        }
        await performAttempt(id, workerId, clock);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane));
    return claimed.length;
  }

  async function run() {
    while (running) {
      let busy = false;
      try {
        busy = (await tick()) === concurrency;
      } catch (error) {
        logger.error({ err: error, workerId }, "worker tick failed");
      }
      if (!running) break;
      if (!busy) await new Promise<void>((resolve) => {
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
      loop = run();
      logger.info({ workerId, pollIntervalMs, concurrency }, "embedded worker started");
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      logger.info({ workerId }, "embedded worker stopped");
    },
  };
}
