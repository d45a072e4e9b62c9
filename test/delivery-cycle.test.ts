// Delivery cycles (issue 12): results and the claims for the slots they free
// share one transaction, and a cycle waits a moment for more results. Neither
// may bend a rule: a coalesced claim stays under every in-flight cap, and a
// group commit that fails leaves each of its attempts to be resent later with
// the same body under the same idempotency key, never lost.
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { sqlDatabase } from "../app/db/sql.server";
import { createDeliveryLanes } from "../app/delivery/lanes.server";
import { LEASE_MS } from "../app/delivery/worker.server";
import { startBspReceiver, type BspReceiver } from "./bsp-receiver";
import { TestClock } from "./pipeline";
import { seedEvents, shopWithEndpoint, statusCounts, unrecordedAttempts, waitFor } from "./scale/harness";
import { createEndpoint } from "../app/endpoints/endpoint.server";
import { endpointInputSchema } from "../app/endpoints/endpoint-input";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(): Promise<BspReceiver> {
  const started = await startBspReceiver();
  cleanups.push(() => started.close());
  return started;
}

/**
 * Holds the first requests until `fullAt` are open at once (the lanes can only
 * get there by filling every slot the caps allow), then answers each after
 * `holdMs`; counts how many are open at once per path and per group of paths.
 */
function holdRequests(target: BspReceiver, fullAt: number, holdMs: number, groupOf: (path: string) => string) {
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  let total = 0;
  let peakTotal = 0;
  let full!: () => void;
  const filled = new Promise<void>((resolve) => (full = resolve));
  const enter = (key: string, by: number) => {
    open.set(key, (open.get(key) ?? 0) + by);
    peak.set(key, Math.max(peak.get(key) ?? 0, open.get(key)!));
  };
  const responder = async (delivery: { path: string }, response: ServerResponse) => {
    const keys = [delivery.path, groupOf(delivery.path)];
    keys.forEach((key) => enter(key, 1));
    peakTotal = Math.max(peakTotal, ++total);
    if (total >= fullAt) full();
    await filled;
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    keys.forEach((key) => enter(key, -1));
    total--;
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  };
  target.respondWith(...Array.from({ length: 1000 }, () => responder));
  return { peak, peakTotal: () => peakTotal };
}

describe("delivery cycles", () => {
  it("a coalesced claim never takes an endpoint or a shop over its cap of attempts in flight", async () => {
    const target = await receiver();
    const a = await shopWithEndpoint("cycle-caps-a.myshopify.com", `${target.url}/a0`);
    const b = await shopWithEndpoint("cycle-caps-b.myshopify.com", `${target.url}/b0`);
    const aEndpoints = [a.endpointId];
    for (const path of ["a1", "a2"]) {
      const input = endpointInputSchema({ allowLoopback: true }).parse({ name: path, url: `${target.url}/${path}`, topics: ["abandonedCheckout"] });
      aEndpoints.push((await createEndpoint(a.shop, input)).endpoint.id);
    }
    for (const id of aEndpoints) await seedEvents(a.shop, id, 15, new Date(Date.now() - 1000));
    await seedEvents(b.shop, b.endpointId, 15, new Date(Date.now() - 1000));
    const counts = holdRequests(target, 6, 15, (path) => (path.includes("/a") ? "shop a" : "shop b"));

    const lanes = createDeliveryLanes({ workerId: "caps", concurrency: 6, endpointCap: 2, shopCap: 4, pollIntervalMs: 20 });
    lanes.start();
    cleanups.push(() => lanes.stop());
    const endpointIds = [...aEndpoints, b.endpointId];
    await waitFor(
      "every delivery",
      async () => (await prisma.delivery.count({ where: { endpointId: { in: endpointIds }, status: "succeeded" } })) === 60,
      20_000,
      20,
    );
    // The first six were held until all six slots were full: each cap was reached, and none was ever passed.
    const perPath = ["a0", "a1", "a2", "b0"].map((path) => counts.peak.get(`/hooks/cart-relay/${path}`) ?? 0);
    expect(Math.max(...perPath)).toBe(2);
    expect(counts.peak.get("shop a")).toBe(4);
    expect(counts.peak.get("shop b")).toBe(2);
    expect(counts.peakTotal()).toBe(6);
    expect(target.received).toHaveLength(60);
  });

  it("a failing group commit leaves every attempt of the group to be resent, with the same body under the same key, once its lease runs out", async () => {
    const target = await receiver();
    const { shop, endpointId } = await shopWithEndpoint("cycle-commit-fails.myshopify.com", target.url);
    const eventIds = await seedEvents(shop, endpointId, 12, new Date(Date.now() - 1000));
    const { dialect } = sqlDatabase().codec;
    // A real failure inside the transaction that records results: the database refuses to store any answer.
    const failing =
      dialect === "sqlite"
        ? [`CREATE TRIGGER refuse_results BEFORE UPDATE ON "Attempt" WHEN NEW."durationMs" IS NOT NULL BEGIN SELECT RAISE(ABORT, 'results refused'); END`]
        : [
            `CREATE FUNCTION refuse_results() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'results refused'; END $$`,
            `CREATE TRIGGER refuse_results BEFORE UPDATE ON "Attempt" FOR EACH ROW WHEN (NEW."durationMs" IS NOT NULL) EXECUTE FUNCTION refuse_results()`,
          ];
    const healed = dialect === "sqlite" ? [`DROP TRIGGER refuse_results`] : [`DROP TRIGGER refuse_results ON "Attempt"`, `DROP FUNCTION refuse_results()`];
    for (const statement of failing) await prisma.$executeRawUnsafe(statement);
    let trigger = true;
    cleanups.push(async () => {
      if (trigger) for (const statement of healed) await prisma.$executeRawUnsafe(statement);
    });

    const clock = new TestClock(new Date());
    const first = createDeliveryLanes({ workerId: "fails", concurrency: 16, pollIntervalMs: 20, clock });
    first.start();
    await waitFor("every first attempt", async () => target.received.length === 12, 10_000, 20);
    await first.stop();
    // Nothing of the failed groups was stored: every attempt is unfinished, every delivery still leased.
    expect(await unrecordedAttempts(endpointId)).toBe(12);
    expect(await statusCounts(endpointId)).toEqual({ in_flight: 12 });
    expect(await prisma.attempt.count({ where: { delivery: { endpointId }, statusCode: { not: null } } })).toBe(0);

    for (const statement of healed) await prisma.$executeRawUnsafe(statement);
    trigger = false;
    // Before the lease runs out nobody takes the deliveries over; after, another worker resends.
    const early = createDeliveryLanes({ workerId: "other", pollIntervalMs: 20, clock: new TestClock(new Date(clock.now().getTime() + LEASE_MS / 2)) });
    early.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await early.stop();
    expect(target.received).toHaveLength(12);
    const later = createDeliveryLanes({ workerId: "other", pollIntervalMs: 20, clock: new TestClock(new Date(clock.now().getTime() + LEASE_MS + 1000)) });
    later.start();
    cleanups.push(() => later.stop());
    await waitFor("the resends", async () => (await statusCounts(endpointId)).succeeded === 12, 10_000, 20);

    const bodies = new Map<string, Set<string>>();
    for (const request of target.received) {
      const key = String(request.headers["x-idempotency-key"]);
      bodies.set(key, (bodies.get(key) ?? new Set()).add(request.body));
    }
    expect([...bodies.keys()].sort()).toEqual([...eventIds].sort());
    expect([...bodies.values()].map((set) => set.size)).toEqual(eventIds.map(() => 1));
    expect(target.received).toHaveLength(24);
    const attempts = await prisma.attempt.findMany({ where: { delivery: { endpointId } }, select: { number: true, errorKind: true, statusCode: true } });
    expect(attempts.filter((row) => row.number === 1).map((row) => row.errorKind)).toEqual(eventIds.map(() => "interrupted"));
    expect(attempts.filter((row) => row.number === 2).map((row) => row.statusCode)).toEqual(eventIds.map(() => 200));
  });
});
