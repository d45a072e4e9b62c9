// Batched claims and fair lanes (issue 12): racing claimers never share a
// delivery, the in-flight caps hold, and a tarpit endpoint (accepts
// connections, never answers) of one shop holds only its own slots while
// another shop's deliveries go out.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { endpointInputSchema } from "../app/endpoints/endpoint-input";
import { createEndpoint } from "../app/endpoints/endpoint.server";
import { claimDueBatch, releaseClaims } from "../app/delivery/worker.server";
import { createDeliveryLanes } from "../app/delivery/lanes.server";
import { startBspReceiver } from "./bsp-receiver";
import { captureCheckout, shopRow } from "./pipeline";
import { seedEvents, waitFor } from "./scale/harness";

interface Tarpit {
  url: string;
  /** Requests open right now, per path. */
  open: Map<string, number>;
  /** The most requests ever open at once, per path and in all. */
  peak: Map<string, number>;
  peakTotal: number;
  answered: number;
  close(): Promise<void>;
}

async function startTarpit(): Promise<Tarpit> {
  const sockets = new Set<Socket>();
  const tarpit: Tarpit = { url: "", open: new Map(), peak: new Map(), peakTotal: 0, answered: 0, close: async () => {} };
  const server = createServer((request: IncomingMessage, _response: ServerResponse) => {
    const path = request.url ?? "";
    tarpit.open.set(path, (tarpit.open.get(path) ?? 0) + 1);
    tarpit.peak.set(path, Math.max(tarpit.peak.get(path) ?? 0, tarpit.open.get(path)!));
    tarpit.peakTotal = Math.max(
      tarpit.peakTotal,
      [...tarpit.open.values()].reduce((a, b) => a + b, 0),
    );
    request.resume();
    request.socket.once("close", () => tarpit.open.set(path, tarpit.open.get(path)! - 1));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tarpit.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tarpit.close = () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return tarpit;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function shopWithEndpoints(domain: string, urls: string[]) {
  await captureCheckout(domain, { checkoutToken: `seed-${domain}`, email: "seed@example.com" });
  const shop = await shopRow(domain);
  const endpoints: { id: string; secret: string }[] = [];
  for (const [i, url] of urls.entries()) {
    const input = endpointInputSchema({ allowLoopback: true }).parse({ name: `BSP ${i}`, url, topics: ["abandonedCheckout"] });
    const { endpoint, secret } = await createEndpoint(shop, input);
    endpoints.push({ id: endpoint.id, secret });
  }
  return { shop, endpoints };
}

const statusOf = async (endpointIds: string[]) =>
  Object.fromEntries(
    (await prisma.delivery.groupBy({ by: ["status"], where: { endpointId: { in: endpointIds } }, _count: { _all: true } })).map((g) => [
      g.status,
      g._count._all,
    ]),
  );

describe("batched claims", () => {
  it("racing claimers never claim one delivery twice, and together claim every due one", async () => {
    const receiver = await startBspReceiver();
    cleanups.push(() => receiver.close());
    const { shop, endpoints } = await shopWithEndpoints("claim-race.myshopify.com", [receiver.url]);
    await seedEvents(shop, endpoints[0].id, 120, new Date(Date.now() - 1000));
    const claims = await Promise.all(
      ["w1", "w2", "w3", "w4"].map(async (workerId) => {
        const mine: string[] = [];
        for (;;) {
          const batch = await claimDueBatch(workerId, new Date(), 7);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((row) => row.id));
        }
      }),
    );
    const all = claims.flat();
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    for (const [i, workerId] of ["w1", "w2", "w3", "w4"].entries()) {
      expect(await prisma.delivery.count({ where: { id: { in: claims[i] }, lockedBy: workerId, status: "in_flight" } })).toBe(claims[i].length);
    }
    await Promise.all(["w1", "w2", "w3", "w4"].map((workerId, i) => releaseClaims(workerId, claims[i])));
    expect(await statusOf([endpoints[0].id])).toEqual({ pending: 120 });
  });

  it("keeps each endpoint and shop under its cap of attempts in flight, counting those already out", async () => {
    const receiver = await startBspReceiver();
    cleanups.push(() => receiver.close());
    const { shop, endpoints } = await shopWithEndpoints("claim-caps.myshopify.com", [`${receiver.url}/a`, `${receiver.url}/b`, `${receiver.url}/c`]);
    const [a, b, c] = endpoints.map((e) => e.id) as [string, string, string];
    // Due before what the other tests leave pending: a claim looks at as many as it may take, earliest first.
    for (const id of [a, b, c]) await seedEvents(shop, id, 10, new Date(Date.now() - 60_000));
    const load = {
      endpoints: new Map([
        [a, 3],
        [b, 1],
      ]),
      shops: new Map([[shop.id, 4]]),
      endpointCap: 3,
      shopCap: 9,
    };
    const claimed = await claimDueBatch("capped", new Date(), 50, { load });
    const per = (id: string) => claimed.filter((row) => row.endpointId === id).length;
    // a is full, b has room for 2, and the shop for 5 more in all.
    expect([per(a), per(b), per(c), claimed.filter((row) => row.shopId === shop.id).length]).toEqual([0, 2, 3, 5]);
    await releaseClaims(
      "capped",
      claimed.map((row) => row.id),
    );
  });
});

describe("fair lanes", () => {
  it("a tarpit shop holds only its own slots: another shop's deliveries all go out while every tarpit attempt still hangs; the caps hold", async () => {
    const tarpit = await startTarpit();
    cleanups.push(() => tarpit.close());
    const healthy = await startBspReceiver();
    cleanups.push(() => healthy.close());
    const slow = await shopWithEndpoints(
      "tarpit-shop.myshopify.com",
      [1, 2, 3].map((i) => `${tarpit.url}/endpoint-${i}`),
    );
    const fine = await shopWithEndpoints("healthy-shop.myshopify.com", [healthy.url]);
    const slowIds = slow.endpoints.map((e) => e.id);
    // The tarpit's deliveries come due first, so a first-come queue would give them every slot.
    for (const id of slowIds) await seedEvents(slow.shop, id, 10, new Date(Date.now() - 60_000));
    await seedEvents(fine.shop, fine.endpoints[0].id, 30, new Date(Date.now() - 1000));

    const lanes = createDeliveryLanes({ workerId: "fair", concurrency: 8, endpointCap: 2, shopCap: 4, pollIntervalMs: 20, timeoutMs: 120_000 });
    lanes.start();
    cleanups.push(() => lanes.stop());
    await waitFor(
      "the healthy shop's deliveries",
      async () => {
        const counts = await statusOf([fine.endpoints[0].id]);
        return counts.succeeded === 30 || JSON.stringify(counts);
      },
      15_000,
      20,
    );

    // Every tarpit attempt is still unanswered: the healthy shop never waited for one to time out.
    expect(tarpit.answered).toBe(0);
    expect(await prisma.attempt.count({ where: { delivery: { endpointId: { in: slowIds } }, statusCode: null, errorKind: null } })).toBe(4);
    expect(await statusOf(slowIds)).toEqual({ in_flight: 4, pending: 26 });
    expect(Math.max(...tarpit.peak.values())).toBe(2);
    expect(tarpit.peakTotal).toBe(4);
    expect(healthy.received).toHaveLength(30);

    // Cutting the tarpit's connections ends its attempts as network failures, recorded before the lanes stop.
    await tarpit.close();
    await lanes.stop();
    expect(await prisma.attempt.count({ where: { delivery: { endpointId: { in: slowIds } }, statusCode: null, errorKind: null } })).toBe(0);
    expect(await prisma.delivery.count({ where: { endpointId: { in: slowIds }, status: "in_flight" } })).toBe(0);
  });
});
