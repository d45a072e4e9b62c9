import { logger } from "../logger.server";
import { COALESCE_MS, waitsForCompany } from "./coalesce";
import {
  logAttempt,
  recordOutcomes,
  runDeliveryCycle,
  sendPrepared,
  systemClock,
  type AttemptOutcome,
  type PreparedAttempt,
  type RecordedOutcome,
  type WorkerClock,
} from "./worker.server";

// Continuous delivery lanes (decision 004): up to `concurrency` attempts in
// flight, with no barrier between batches, so a receiver that never answers
// holds only its own slot for the 10 s timeout. Per-endpoint and per-shop
// caps keep one endpoint, or one shop's many endpoints, from filling every
// slot. One loop runs cycles, each one transaction (runDeliveryCycle): the
// results that came back since the last cycle are recorded and the slots they
// freed are claimed again in the same commit. A cycle waits for more results
// (coalesce.ts: until three quarters of the attempts out have answered, COALESCE_MS at
// most, hanging ones not counted), so under load one commit and one claim
// carry many events instead of one each; the wait is counted in answers, not
// time, because a busy machine answers slowly and a fixed short wait would
// shrink every group to one.

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
  const log = logger.child({ workerId });

  const endpoints = new Map<string, number>();
  const shops = new Map<string, number>();
  let running = false;
  let loop: Promise<void> | null = null;
  let signal: (() => void) | null = null;
  let woken = false;
  let results: AttemptOutcome[] = [];

  function nudge() {
    signal?.();
  }

  function notify() {
    woken = true;
    nudge();
  }

  /** Resolves after `ms` or at the next wake-up or result, whichever is first; true when the time ran out. */
  function nap(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(true), ms);
      function done(timedOut: boolean) {
        clearTimeout(timer);
        signal = null;
        resolve(timedOut);
      }
      signal = () => done(false);
    });
  }

  /** The attempts out, with when each was sent (performance.now()). */
  const sentAt = new Map<PreparedAttempt, number>();

  function send(item: PreparedAttempt) {
    sentAt.set(item, performance.now());
    bump(endpoints, item.endpoint.id, 1);
    bump(shops, item.shopId, 1);
    void sendPrepared(item, { timeoutMs: options.timeoutMs }).then((result) => {
      sentAt.delete(item);
      bump(endpoints, item.endpoint.id, -1);
      bump(shops, item.shopId, -1);
      results.push({ prepared: item, result });
      nudge();
    });
  }

  function committed(outcomes: AttemptOutcome[], recorded: RecordedOutcome[]) {
    outcomes.forEach(logAttempt);
    if (recorded.length > 0) options.onRecorded?.(recorded);
  }

  /** One transaction: the results so far, and claims for the free slots. Returns how long the loop may then sleep. */
  async function cycle(): Promise<number> {
    const outcomes = results;
    results = [];
    woken = false;
    const limit = running ? concurrency - sentAt.size : 0;
    try {
      const done = await runDeliveryCycle({ workerId, outcomes, limit, load: { endpoints, shops, endpointCap, shopCap }, clock });
      committed(outcomes, done.recorded);
      done.prepared.forEach(send);
      // A full claim means more is probably due: go again as soon as a slot frees.
      if (limit > 0 && done.claimed.length >= limit) return pollIntervalMs;
      if (!done.nextDueAt) return pollIntervalMs;
      return Math.min(pollIntervalMs, Math.max(1, done.nextDueAt.getTime() - clock.now().getTime()));
    } catch (error) {
      log.error({ err: error, count: outcomes.length }, "delivery cycle failed");
      // Recording alone may still work (a failing claim must not strand every result); if not, the leases run out and the same bodies are resent.
      if (outcomes.length > 0) {
        try {
          committed(outcomes, await recordOutcomes(outcomes, workerId, clock));
        } catch (again) {
          log.error({ err: again, count: outcomes.length }, "could not record delivery results");
        }
      }
      return pollIntervalMs;
    }
  }

  async function run() {
    let sleepMs = 0;
    while (running || sentAt.size > 0 || results.length > 0) {
      if (results.length === 0 && !woken && sleepMs > 0) {
        const timedOut = await nap(running ? sleepMs : pollIntervalMs);
        // Woken by a wake-up or a result: go round to see which. Stopping: only results matter.
        if (!timedOut || !running) continue;
      } else if (results.length > 0 && sentAt.size > 0 && !woken) {
        const deadline = performance.now() + COALESCE_MS;
        const waiting = () => {
          const now = performance.now();
          return now < deadline && !woken && waitsForCompany(results.length, sentAt.values(), now);
        };
        while (waiting()) await nap(Math.max(0, deadline - performance.now()));
      }
      sleepMs = await cycle();
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      woken = true;
      loop = run();
    },
    wake: notify,
    async stop() {
      running = false;
      nudge();
      await loop;
      loop = null;
    },
    inFlight: () => sentAt.size,
  };
}
