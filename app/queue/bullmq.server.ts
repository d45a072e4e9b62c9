import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Queue, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import prisma from "../db.server";
import { sweepAbandonedCheckouts } from "../abandonment/detector.server";
import { purgeExpiredData, RETENTION_PURGE_INTERVAL_MS } from "../privacy/retention.server";
import { CLAIMABLE_ENDPOINT } from "../delivery/attempt-rules";
import { createDeliveryLanes } from "../delivery/lanes.server";
import { systemClock, type RecordedOutcome, type WorkerClock } from "../delivery/worker.server";
import { logger } from "../logger.server";
import { onDeliveriesRecorded } from "../events/delivery-announcements";
import { delayUntil, deliveryJobId, eventJobId, nextRunAt } from "./schedule";
import type { WorkQueue } from "./work-queue";

export const DELIVERY_QUEUE = "deliveries";
export const DETECTOR_QUEUE = "detector";
export const DEFAULT_QUEUE_PREFIX = "cart-relay";

const SWEEP_BATCH = 200;
const SWEEP_BUDGET_MS = 5_000;
const RECONCILE_PAGE = 500;
const RECONCILE_MAX_PAGES = 40;

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Redis key prefix shared by every process of one deployment. */
  prefix?: string;
  /** Attempts in flight at once in this process. */
  concurrency?: number;
  endpointCap?: number;
  shopCap?: number;
  /** How often the lanes look for due work when no job woke them. */
  pollIntervalMs?: number;
  /** How often the cluster-wide scheduler runs the abandonment detector. */
  detectorIntervalMs?: number;
  /** How often the cluster-wide reconciliation pass re-enqueues what the database says is due. */
  reconcileIntervalMs?: number;
  /** Send timeout per attempt; the delivery policy's 10 s when unset. */
  attemptTimeoutMs?: number;
  clock?: WorkerClock;
  workerId?: string;
}

interface DeliveryJob {
  deliveryId: string;
}
interface EventJob {
  eventId: string;
}

class EventNotVisibleYet extends Error {
  override name = "EventNotVisibleYet";
  readonly kind = "event_not_visible";
}

const deliveryJobOptions: JobsOptions = {
  // A kept job would block its id, and with it a later re-enqueue of the same work.
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
};

// The announcing transaction may commit a little after the job is picked up.
const eventJobOptions: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 8, backoff: { type: "exponential", delay: 50 } };

/** ioredis reports every failed reconnect; log the first of each outage. */
function outageLogger(what: string) {
  let down = false;
  return {
    error: (error: unknown) => {
      if (down) return;
      down = true;
      logger.warn({ err: error, what }, "redis unavailable; work resumes when it is back, nothing is lost");
    },
    ready: () => {
      if (down) logger.info({ what }, "redis is back");
      down = false;
    },
  };
}

function redisConnection(url: string, what: string, extra: Record<string, unknown> = {}) {
  // BullMQ workers need commands to wait for a reconnect instead of failing.
  const redis = new Redis(url, { maxRetriesPerRequest: null, ...extra });
  const outage = outageLogger(what);
  redis.on("error", outage.error);
  redis.on("ready", outage.ready);
  return redis;
}

function enqueueDeliveries(queue: Queue, items: { id: string; at: Date }[], now: Date, currentJobId?: string) {
  if (items.length === 0) return Promise.resolve();
  return queue.addBulk(
    items.map(({ id, at }) => ({
      name: "deliver",
      data: { deliveryId: id } satisfies DeliveryJob,
      opts: { ...deliveryJobOptions, jobId: deliveryJobId(id, at, currentJobId), delay: delayUntil(at, now) },
    })),
  );
}

/**
 * The scale-out queue: BullMQ on Redis. Each delivery due at some moment is a
 * delayed job named after the delivery and that moment, but a job carries no
 * attempt: it wakes this process's delivery lanes, which claim every due
 * delivery in batches (the same claim as the embedded worker, `SKIP LOCKED`
 * on PostgreSQL), so a duplicate job can never send an attempt twice and a
 * thousand due jobs cost a few claims, not a thousand. The lanes also poll,
 * so a wake-up that lands on a busy worker is not lost. One job scheduler
 * cluster-wide runs the detector, and another the reconciliation pass, which
 * enqueues every delivery the database says is due: Redis can lose every job
 * and nothing is lost.
 */
export function createBullmqQueue(options: BullmqQueueOptions): WorkQueue {
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const concurrency = options.concurrency;
  const detectorIntervalMs = options.detectorIntervalMs ?? 1000;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 15_000;
  const clock = options.clock ?? systemClock;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = logger.child({ workerId });

  let redis: Redis | null = null;
  let deliveries: Queue | null = null;
  let detector: Queue | null = null;
  let workers: Worker[] = [];
  let maintenance: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let stopping = false;
  const lanes = createDeliveryLanes({
    workerId,
    concurrency,
    endpointCap: options.endpointCap,
    shopCap: options.shopCap,
    pollIntervalMs: options.pollIntervalMs,
    timeoutMs: options.attemptTimeoutMs,
    clock,
    onRecorded: scheduleRetries,
  });

  /** A retry or a quiet-hours wait gets the job that wakes a worker when it is due. */
  function scheduleRetries(outcomes: RecordedOutcome[]) {
    if (!deliveries || stopping) return;
    const now = clock.now();
    const later = outcomes.filter((o) => o.status === "pending" && o.nextAttemptAt && o.nextAttemptAt > now);
    enqueueDeliveries(
      deliveries,
      later.map((o) => ({ id: o.deliveryId, at: o.nextAttemptAt! })),
      now,
    ).catch((error) => log.warn({ err: error }, "could not schedule retries; reconciliation will pick them up"));
  }

  async function ensureSchedulers() {
    await detector!.setGlobalConcurrency(1); // one detector or reconciliation pass at a time, cluster-wide
    const template = { opts: { removeOnComplete: true, removeOnFail: true } };
    await detector!.upsertJobScheduler("sweep", { every: detectorIntervalMs }, { name: "sweep", ...template });
    await detector!.upsertJobScheduler("reconcile", { every: reconcileIntervalMs }, { name: "reconcile", ...template });
    await detector!.upsertJobScheduler("purge", { every: RETENTION_PURGE_INTERVAL_MS }, { name: "purge", ...template });
  }

  /**
   * A due delivery's job: no read of its own, only a wake-up, so a pass that
   * enqueues thousands costs a few batched claims. A job that runs early (a
   * clock a little behind) or for a lease still running finds nothing to
   * claim; the lanes' poll picks the delivery up when it is due.
   */
  function deliver() {
    lanes.wake();
  }

  async function fanOut(job: Job<EventJob>) {
    const event = await prisma.event.findUnique({
      where: { id: job.data.eventId },
      select: { deliveries: { where: { status: "pending" }, select: { id: true, nextAttemptAt: true } } },
    });
    if (!event) throw new EventNotVisibleYet(`event ${job.data.eventId} is not in the database (yet)`);
    const now = clock.now();
    const later = event.deliveries.filter((d) => d.nextAttemptAt && d.nextAttemptAt > now);
    await enqueueDeliveries(
      deliveries!,
      later.map((d) => ({ id: d.id, at: d.nextAttemptAt! })),
      now,
    );
    if (later.length < event.deliveries.length) lanes.wake();
  }

  async function sweep() {
    const deadline = Date.now() + SWEEP_BUDGET_MS;
    while (!stopping) {
      const result = await sweepAbandonedCheckouts(clock.now(), { limit: SWEEP_BATCH });
      if (result.due < SWEEP_BATCH || Date.now() > deadline) return;
    }
  }

  /** Enqueues everything the database says needs a worker before the next pass; ids make repeats no-ops. */
  async function reconcile(): Promise<number> {
    const now = clock.now();
    const horizon = new Date(now.getTime() + 2 * reconcileIntervalMs);
    let count = 0;
    let cursor: { at: Date; id: string } | null = null;
    for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
      const after = cursor ? [{ OR: [{ nextAttemptAt: { gt: cursor.at } }, { nextAttemptAt: cursor.at, id: { gt: cursor.id } }] }] : [];
      const rows: { id: string; nextAttemptAt: Date | null }[] = await prisma.delivery.findMany({
        where: { status: "pending", nextAttemptAt: { lte: horizon }, AND: [CLAIMABLE_ENDPOINT, ...after] },
        orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
        take: RECONCILE_PAGE,
        select: { id: true, nextAttemptAt: true },
      });
      await enqueueDeliveries(
        deliveries!,
        rows.map((row) => ({ id: row.id, at: row.nextAttemptAt! })),
        now,
      );
      count += rows.length;
      if (rows.length < RECONCILE_PAGE) break;
      const last = rows[rows.length - 1];
      cursor = { at: last.nextAttemptAt!, id: last.id };
    }
    // Leases that end before the next pass: their holder may be gone.
    const leased = await prisma.delivery.findMany({
      where: { status: "in_flight", lockedUntil: { lte: horizon }, AND: [CLAIMABLE_ENDPOINT] },
      take: RECONCILE_PAGE,
      select: { id: true, status: true, nextAttemptAt: true, lockedUntil: true },
    });
    await enqueueDeliveries(
      deliveries!,
      leased.map((row) => ({ id: row.id, at: nextRunAt(row)! })),
      now,
    );
    return count + leased.length;
  }

  function announce(eventId: string) {
    if (!deliveries || stopping) return;
    // Not awaited: this runs inside the recording transaction (see events/delivery-announcements.ts); reconciliation covers a lost add.
    deliveries
      .add("event", { eventId } satisfies EventJob, { ...eventJobOptions, jobId: eventJobId(eventId) })
      .catch((error) => log.warn({ err: error, eventId }, "could not announce an event; reconciliation will pick it up"));
  }

  function onFailed(job: Job | undefined, error: Error) {
    // An announcement can beat its transaction's commit; only the last try is news.
    if (error instanceof EventNotVisibleYet && job && job.attemptsMade < (job.opts.attempts ?? 1)) return;
    log.warn({ err: error, job: job?.name, jobId: job?.id }, "queue job failed");
  }

  return {
    async start() {
      if (redis) return;
      stopping = false;
      redis = redisConnection(options.redisUrl, "queue");
      deliveries = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
      detector = new Queue(DETECTOR_QUEUE, { connection: redis, prefix });
      for (const queue of [deliveries, detector]) queue.on("error", () => {}); // reported once per outage by the connection
      await ensureSchedulers();
      // From here on "ready" means a reconnect, and Redis may have come back empty (a restart without
      // persistence): put the schedulers back and reconcile at once.
      redis.on("ready", () => {
        ensureSchedulers()
          .then(() => detector!.add("reconcile", {}, { removeOnComplete: true, removeOnFail: true }))
          .catch((error) => log.warn({ err: error }, "could not restore the schedulers after a reconnect"));
      });
      maintenance = setInterval(() => {
        ensureSchedulers().catch(() => {}); // the connection reports outages
      }, reconcileIntervalMs);
      maintenance.unref();

      const connection = redis;
      const deliveryWorker = new Worker(
        DELIVERY_QUEUE,
        async (job: Job) => {
          if (job.name === "event") return fanOut(job as Job<EventJob>);
          return deliver();
        },
        { connection, prefix, concurrency: 8 },
      );
      const detectorWorker = new Worker(
        DETECTOR_QUEUE,
        async (job: Job) => {
          if (job.name === "reconcile") {
            const count = await reconcile();
            if (count > 0) log.debug({ count }, "reconciled due deliveries");
            return;
          }
          if (job.name === "purge") {
            log.info(await purgeExpiredData(new Date()), "retention purge");
            return;
          }
          await sweep();
        },
        { connection, prefix, concurrency: 1 },
      );
      workers = [deliveryWorker, detectorWorker];
      for (const worker of workers) {
        worker.on("failed", onFailed);
        worker.on("error", () => {}); // reported once per outage by the connection
      }
      unsubscribe = onDeliveriesRecorded(announce);
      lanes.start();
      log.info({ prefix, concurrency, detectorIntervalMs, reconcileIntervalMs }, "bullmq worker started");
    },

    async stop() {
      if (!redis) return;
      stopping = true;
      unsubscribe?.();
      if (maintenance) clearInterval(maintenance);
      // Attempts in flight finish and are recorded (the send timeout bounds them); claims not yet started are released.
      await Promise.all([...workers.map((worker) => worker.close()), lanes.stop()]);
      await Promise.all([deliveries!.close(), detector!.close()]);
      await redis.quit().catch(() => redis!.disconnect());
      redis = null;
      workers = [];
      log.info("bullmq worker stopped");
    },
  };
}

export interface DeliveryAnnouncer {
  announce(eventId: string): void;
  close(): Promise<void>;
}

/**
 * For a process that records events but runs no queue (a web process at
 * scale): enqueues the event job so a worker sends at once. Fails fast while
 * Redis is down; the reconciliation pass then finds the deliveries.
 */
export function createDeliveryAnnouncer({ redisUrl, prefix = DEFAULT_QUEUE_PREFIX }: { redisUrl: string; prefix?: string }): DeliveryAnnouncer {
  const redis = redisConnection(redisUrl, "announcer", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
  queue.on("error", () => {});
  return {
    announce(eventId) {
      queue
        .add("event", { eventId } satisfies EventJob, { ...eventJobOptions, jobId: eventJobId(eventId) })
        .catch((error) => logger.debug({ err: error, eventId }, "could not announce an event; reconciliation will pick it up"));
    },
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
