// Fairness: a healthy shop's delivery latency alone, and again beside
// another shop whose 50 endpoints accept connections and never answer (a
// tarpit), in the same run. One `npm run worker` process on SQLite; the
// healthy shop's deliveries fall due one by one at a steady rate.
//
//   npx tsx bench/delivery-tarpit.ts [--events 400] [--rate 50] [--hanging 50] [--per-endpoint 20]
//
// Latency = first 2xx minus the due time. Goal (issue 12): beside the tarpit
// within 1.5x of alone.
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { loadNow, machine, ms, percentile, ROOT, startChild, table, until } from "./lib";
import { benchDatabases, benchShop, workerEnv } from "./seed";
import { seedDueDeliveries } from "./seed-deliveries";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "400" },
    rate: { type: "string", default: "50" },
    hanging: { type: "string", default: "50" },
    "per-endpoint": { type: "string", default: "20" },
  },
});
const events = Number(values.events);
const rate = Number(values.rate);

process.stdout.write(`# Delivery fairness benchmark\n${machine()}\n\n`);
const cleanups: (() => Promise<void> | void)[] = [];
try {
  const port = await freeLoopbackPort();
  const receiver = startChild([path.join(ROOT, "bench", "receiver.mjs")], { ...process.env, PORT: String(port) });
  cleanups.push(() => receiver.stop());
  const receiverUrl = `http://127.0.0.1:${port}/hooks/cart-relay`;
  await until("the receiver", async () => (await fetch(receiverUrl).catch(() => null))?.ok === true, 10_000);

  const sockets = new Set<Socket>();
  let hanging = 0;
  const tarpit = createServer((request) => {
    hanging++;
    request.resume();
  });
  tarpit.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => tarpit.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tarpit.close(() => resolve());
      }),
  );
  const tarpitUrl = `http://127.0.0.1:${(tarpit.address() as AddressInfo).port}`;

  const { databaseUrl } = await benchDatabases("embedded", cleanups);
  Object.assign(process.env, workerEnv(databaseUrl));
  const { default: prisma } = await import("../app/db.server");
  cleanups.unshift(() => prisma.$disconnect());
  const { createEndpoint } = await import("../app/endpoints/endpoint.server");
  const { endpointInputSchema } = await import("../app/endpoints/endpoint-input");
  const healthyShop = await benchShop(prisma, receiverUrl);
  const slowShop = await prisma.shop.create({ data: { domain: "tarpit-shop.myshopify.com", pixelKey: randomUUID(), countryCode: "IN", currency: "INR" } });
  const slowEndpoints: string[] = [];
  for (let i = 0; i < Number(values.hanging); i++) {
    const input = endpointInputSchema({ allowLoopback: true }).parse({ name: `Tarpit ${i}`, url: `${tarpitUrl}/endpoint-${i}`, topics: ["abandonedCheckout"] });
    slowEndpoints.push((await createEndpoint(slowShop, input)).endpoint.id);
  }

  const worker = startChild(["--import", "tsx", path.join("app", "worker.ts")], workerEnv(databaseUrl, { LOG_LEVEL: "info" }));
  cleanups.unshift(() => worker.stop());
  await until("the worker to start", () => /worker started/.test(worker.output()), 60_000, 100);

  let seeded = 0;
  /** Healthy-shop deliveries due one by one at `rate`; resolves with their latencies, sorted. */
  async function healthyLatencies(): Promise<number[]> {
    const start = Date.now() + 2000;
    const dueAt = (i: number) => new Date(start + (i * 1000) / rate);
    const ids = await seedDueDeliveries(prisma, healthyShop, seeded, events, dueAt);
    seeded += events;
    await until(
      "the healthy shop's deliveries",
      async () => (await prisma.delivery.count({ where: { eventId: { in: ids }, status: "succeeded" } })) === ids.length,
      10 * 60_000,
      250,
    );
    const rows = await prisma.delivery.findMany({ where: { eventId: { in: ids } }, select: { eventId: true, firstSuccessAt: true } });
    const due = new Map(ids.map((id, i) => [id, dueAt(i).getTime()]));
    return rows.map((row) => row.firstSuccessAt!.getTime() - due.get(row.eventId)!).sort((a, b) => a - b);
  }

  const alone = await healthyLatencies();
  const loadAlone = loadNow();
  for (const endpointId of slowEndpoints) {
    await seedDueDeliveries(prisma, slowShop.id, seeded, Number(values["per-endpoint"]), () => new Date(), endpointId);
    seeded += Number(values["per-endpoint"]);
  }
  await until("the tarpit to fill up", () => hanging > 0, 30_000, 50);
  const beside = await healthyLatencies();
  const loadBeside = loadNow();

  process.stdout.write(
    table(
      ["healthy shop", "latency p50", "latency p99", "max", "load after"],
      [
        ["alone", ms(percentile(alone, 50)), ms(percentile(alone, 99)), ms(alone[alone.length - 1]), loadAlone],
        [
          `beside ${values.hanging} hanging endpoints (${hanging} requests hanging)`,
          ms(percentile(beside, 50)),
          ms(percentile(beside, 99)),
          ms(beside[beside.length - 1]),
          loadBeside,
        ],
        [
          "ratio beside / alone",
          (percentile(beside, 50) / percentile(alone, 50)).toFixed(2),
          (percentile(beside, 99) / percentile(alone, 99)).toFixed(2),
          "",
          "",
        ],
      ],
    ),
  );
  process.stdout.write(
    `\n\n${events} healthy deliveries due at ${rate}/s each time; ${values.hanging} x ${values["per-endpoint"]} tarpit deliveries due at once; one worker, default lanes and caps\n`,
  );
} finally {
  for (const cleanup of cleanups) await cleanup();
}
process.exit(0);
