// Fault tests from issue 8, bounded in count and time, loopback only. The
// workers run with CART_RELAY_TIME_SCALE=600 (a policy minute of 100 ms), so
// the 2, 10 and 30 minute retries come within seconds; leases (60 s) and the
// 10 s send timeout are real.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { startRedis, type ThrowawayRedis } from "../../scripts/throwaway-servers";
import {
  deliveryGuarantees,
  killAllWorkers,
  requirePostgres,
  seedEvents,
  shopWithEndpoint,
  startFaultReceiver,
  startWorker,
  statusCounts,
  waitFor,
  type FaultReceiver,
  type Reply,
  type WorkerProcess,
} from "./harness";

requirePostgres();

const FAST_POLICY = { CART_RELAY_TIME_SCALE: "600" };

let redis: ThrowawayRedis;
const receivers: FaultReceiver[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await killAllWorkers();
});
afterAll(async () => {
  await killAllWorkers();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await redis?.stop();
});

/**
 * Half of all requests fail, decided per event so every event succeeds
 * within its retries: a quarter of the events are answered at once, a quarter
 * get one 500, a quarter two 500s, a quarter a dropped connection; one event
 * in 500 gets no answer at all the first time (the send timeout ends it).
 */
function halfFailing(eventIds: string[]): (key: string, nth: number) => Reply {
  const index = new Map(eventIds.map((id, i) => [id, i]));
  return (key, nth) => {
    const i = index.get(key) ?? 0;
    if (i % 500 === 3 && nth === 1) return "hang";
    switch (i % 4) {
      case 0:
        return "ok";
      case 1:
        return nth <= 1 ? "fail" : "ok";
      case 2:
        return nth <= 2 ? "fail" : "ok";
      default:
        return nth <= 1 ? "reset" : "ok";
    }
  };
}

async function setUp(domain: string, count: number, plan: (ids: string[]) => (key: string, nth: number) => Reply, options = {}) {
  let decide: ((key: string, nth: number) => Reply) | null = null;
  const receiver = await startFaultReceiver((key, nth) => decide!(key, nth), options);
  receivers.push(receiver);
  const { shop, endpointId, secret } = await shopWithEndpoint(domain, receiver.url);
  receiver.secret = secret;
  const eventIds = await seedEvents(shop, endpointId, count);
  decide = plan(eventIds);
  return { receiver, endpointId, eventIds };
}

function settled(endpointId: string, count: number) {
  return async () => {
    const counts = await statusCounts(endpointId);
    return counts.succeeded === count || JSON.stringify(counts);
  };
}

const allGuarantees = (count: number) => ({
  neverAcknowledged: 0,
  keysWithTwoBodies: 0,
  attemptNumbersSentTwice: 0,
  overlappingSends: 0,
  badSignatures: 0,
  unknownKeys: 0,
  statuses: { succeeded: count },
  unrecordedAttempts: 0,
});

describe("fault tests in scale mode (PostgreSQL, Redis, worker processes)", () => {
  it("10,000 events, half the requests failing or timing out, workers killed with SIGKILL mid-flight: every event delivered, one body per key, nothing stuck", async () => {
    const count = 10_000;
    const { receiver, endpointId, eventIds } = await setUp("kill-shop.myshopify.com", count, halfFailing);
    const env = { REDIS_URL: redis.url, ...FAST_POLICY };
    const workers: WorkerProcess[] = [startWorker("w1", env), startWorker("w2", env)];
    const kills: string[] = [];
    // Each time another few thousand requests arrived, SIGKILL one worker mid-flight and start a fresh one.
    for (const [n, threshold] of [3_000, 7_000, 11_000].entries()) {
      await waitFor(`${threshold} requests`, async () => receiver.requests.length >= threshold || `${receiver.requests.length} so far`, 240_000, 50);
      const slot = n % 2;
      const { signal } = await workers[slot].kill("SIGKILL");
      kills.push(signal ?? "exited by itself");
      workers[slot] = startWorker(`w${n + 3}`, env);
    }
    expect(kills).toEqual(["SIGKILL", "SIGKILL", "SIGKILL"]);

    await waitFor("every delivery to succeed", settled(endpointId, count), 360_000, 1000);
    expect(await deliveryGuarantees(receiver, eventIds, endpointId)).toEqual(allGuarantees(count));
    // The kills did land mid-flight, and the redelivery noticed.
    expect(await prisma.attempt.count({ where: { delivery: { endpointId }, errorKind: "interrupted" } })).toBeGreaterThan(0);
    // Every designed failure was answered (one per event on average: 0, 1, 2 or 1 by quarter), whatever the kills
    // and timeouts added in resends, which the receiver answers "ok" (a share of all requests would shrink with them).
    const failed = receiver.requests.filter((r) => r.reply !== "ok").length;
    expect(failed).toBeGreaterThanOrEqual(count);
    expect(receiver.requests.some((r) => r.reply === "hang")).toBe(true);
  }, 900_000);

  it("Redis restarted empty mid-run: the reconciliation pass re-enqueues from the database and every event is delivered", async () => {
    const count = 2_000;
    const { receiver, endpointId, eventIds } = await setUp("redis-shop.myshopify.com", count, halfFailing);
    const env = { REDIS_URL: redis.url, ...FAST_POLICY };
    startWorker("r1", env);
    startWorker("r2", env);
    for (const threshold of [800, 2_000]) {
      await waitFor(`${threshold} requests`, async () => receiver.requests.length >= threshold || `${receiver.requests.length} so far`, 240_000, 50);
      await redis.restart(); // SIGKILL, no persistence: every job, scheduler and lock is gone
    }
    await waitFor("every delivery to succeed", settled(endpointId, count), 300_000, 1000);
    expect(await deliveryGuarantees(receiver, eventIds, endpointId)).toEqual(allGuarantees(count));
  }, 600_000);

  it("four workers racing on PostgreSQL (two polling, two on BullMQ): no attempt sent twice, none at once", async () => {
    const count = 3_000;
    const { receiver, endpointId, eventIds } = await setUp("race-shop.myshopify.com", count, () => () => "ok", { holdMs: 5 });
    const bullmq = { REDIS_URL: redis.url, ...FAST_POLICY };
    const polling = { REDIS_URL: "", ...FAST_POLICY };
    startWorker("poll-1", polling, ["--concurrency", "16"]);
    startWorker("poll-2", polling, ["--concurrency", "16"]);
    startWorker("bull-1", bullmq);
    startWorker("bull-2", bullmq);
    await waitFor("every delivery to succeed", settled(endpointId, count), 300_000, 500);
    expect(await deliveryGuarantees(receiver, eventIds, endpointId)).toEqual(allGuarantees(count));
    // No failures and no crashes: at-least-once is exactly once here.
    expect(receiver.requests).toHaveLength(count);
    expect(await prisma.attempt.count({ where: { delivery: { endpointId } } })).toBe(count);
  }, 600_000);
});
