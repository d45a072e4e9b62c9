import { logger } from "../logger.server";
import {
  claimDueBatch,
  logAttempt,
  prepareAttempts,
  recordOutcomes,
  releaseClaims,
  sendPrepared,
  systemClock,
  type AttemptOutcome,
  type ClaimedDelivery,
  type RecordedOutcome,
  type WorkerClock,
} from "./worker.server";

// Continuous delivery lanes (decision 004): up to `concurrency` attempts in
// flight, claimed in batches as slots free up, with no barrier between
// batches, so a receiver that never answers holds only its own slot for the
// 10 s timeout. Per-endpoint and per-shop caps keep one endpoint, or one
// shop's many endpoints, from filling every slot. Results are group-committed:
// those that arrive while a commit is running share the next one.

export const DEFAULT_LANES = 64;
export const DEFAULT_ENDPOINT_CAP = 32;
export const DEFAULT_SHOP_CAP = 48;

export interface LaneOptions {
  workerId: string;
  /** Attempts in flight at once in this process. */
  concurrency?: number;
  /** Attempts in flight at once per endpoint in this process. */
  endpointCap?: number;
  /** Attempts in flight at once per shop in this process. */
  shopCap?: number;
  /** How often to look for due work when nobody says there is some. */
  pollIntervalMs?: number;
  timeoutMs?: number;
  clock?: WorkerClock;
  /** Told what each commit recorded (BullMQ schedules the retries it must wake up for). */
  onRecorded?: (outcomes: RecordedOutcome[]) => void;
}

export interface DeliveryLanes {
  start(): void;
  /** Due work may be waiting: claim now instead of at the next poll. */
  wake(): void;
  /** Stops claiming, finishes the attempts in flight and records them. */
  stop(): Promise<void>;
  inFlight(): number;
}

function bump(counts: Map<string, number>, key: string, by: number) {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

export function createDeliveryLanes(options: LaneOptions): DeliveryLanes {
  const concurrency = options.concurrency ?? DEFAULT_LANES;
  const endpointCap = Math.min(options.endpointCap ?? DEFAULT_ENDPOINT_CAP, concurrency);
  const shopCap = Math.min(options.shopCap ?? DEFAULT_SHOP_CAP, concurrency);
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const clock = options.clock ?? systemClock;
  const { workerId } = options;
  // Claim when this many slots are free (or nothing is in flight): batches stay large under load.
  const claimThreshold = Math.max(1, Math.floor(concurrency / 4));
  const log = logger.child({ workerId });

  const endpoints = new Map<string, number>();
  const shops = new Map<string, number>();
  let busy = 0;
  let running = false;
  let loop: Promise<void> | null = null;
  let signal: (() => void) | null = null;
  let woken = false;
  const batches = new Set<Promise<void>>();

  let pendingResults: AttemptOutcome[] = [];
  let flushing: Promise<void> | null = null;

  function notify() {
    woken = true;
    signal?.();
  }

  function release(item: ClaimedDelivery) {
    busy--;
    bump(endpoints, item.endpointId, -1);
    bump(shops, item.shopId, -1);
    notify();
  }

  async function flush() {
    while (pendingResults.length > 0) {
      const batch = pendingResults;
      pendingResults = [];
      try {
        const recorded = await recordOutcomes(batch, workerId, clock);
        batch.forEach(logAttempt);
        options.onRecorded?.(recorded);
      } catch (error) {
        // The attempt rows stay unfinished and the leases run out: another pass resends under the same key.
        log.error({ err: error, count: batch.length }, "could not record delivery results");
      }
    }
    flushing = null;
  }

  function record(outcome: AttemptOutcome) {
    pendingResults.push(outcome);
    flushing ??= flush();
  }

  async function runBatch(claimed: ClaimedDelivery[]) {
    const byId = new Map(claimed.map((item) => [item.id, item]));
    let prepared: Awaited<ReturnType<typeof prepareAttempts>> = [];
    try {
      if (!running) {
        await releaseClaims(
          workerId,
          claimed.map((item) => item.id),
        );
      } else {
        prepared = await prepareAttempts(
          claimed.map((item) => item.id),
          workerId,
          clock,
        );
      }
    } catch (error) {
      log.error({ err: error, count: claimed.length }, "could not prepare delivery attempts");
    }
    const sending = new Set(prepared.map((item) => item.deliveryId));
    for (const item of claimed) if (!sending.has(item.id)) release(item);
    await Promise.all(
      prepared.map(async (item) => {
        const result = await sendPrepared(item, { timeoutMs: options.timeoutMs });
        record({ prepared: item, result });
        release(byId.get(item.deliveryId)!);
      }),
    );
  }

  function waitForSignal(ms: number): Promise<void> {
    if (woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal = null;
        resolve();
      }
      signal = done;
    });
  }

  async function run() {
    while (running) {
      const free = concurrency - busy;
      if (free < claimThreshold && busy > 0) {
        woken = false;
        await waitForSignal(pollIntervalMs);
        continue;
      }
      woken = false;
      let claimed: ClaimedDelivery[] = [];
      try {
        claimed = await claimDueBatch(workerId, clock.now(), free, { load: { endpoints, shops, endpointCap, shopCap } });
      } catch (error) {
        log.error({ err: error }, "could not claim deliveries");
      }
      for (const item of claimed) {
        busy++;
        bump(endpoints, item.endpointId, 1);
        bump(shops, item.shopId, 1);
      }
      if (claimed.length > 0) {
        const batch = runBatch(claimed).catch((error) => log.error({ err: error }, "delivery batch failed"));
        batches.add(batch);
        void batch.finally(() => batches.delete(batch));
      }
      // A full claim means more is probably due: go again at once.
      if (claimed.length < free && running) await waitForSignal(pollIntervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake: notify,
    async stop() {
      running = false;
      notify();
      await loop;
      while (batches.size > 0) await Promise.all([...batches]);
      while (flushing) await flushing;
    },
    inFlight: () => busy,
  };
}
