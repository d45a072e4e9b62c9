// Delivery throughput and lateness: checkouts become due, the detector turns
// them into events and the worker sends them to a loopback receiver that
// answers 200 at once. Compared, in the same run, with a raw undici
// keep-alive POST loop of the same bodies to the same receiver at the same
// concurrency (the ceiling for any sender on this machine).
//
//   npx tsx bench/delivery.ts [--events 2000] [--paced 600] [--modes embedded,scale]
//
// embedded: one `npm run worker` process, polling SQLite (WAL). scale: two
// `npm run worker` processes on BullMQ, with throwaway PostgreSQL and Redis.
// Figures: events/s from the moment a burst of checkouts is due to the last
// 2xx; lateness = first attempt's start minus the abandonment deadline, for
// the burst (queueing included) and for checkouts falling due one by one at
// half the burst rate (what a steady stream sees).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { loadNow, machine, ms, percentile, ROOT, startChild, table, until, type Child } from "./lib";
import { benchDatabases, benchShop, seedDueCheckouts, workerEnv } from "./seed";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "2000" },
    paced: { type: "string", default: "600" },
    modes: { type: "string", default: "embedded,scale" },
    run: { type: "string" },
    receiver: { type: "string" },
  },
});

interface ModeResult {
  mode: string;
  workers: number;
  concurrency: number;
  burst: { events: number; seconds: number; perSecond: number; p50: number; p99: number };
  paced: { events: number; rate: number; p50: number; p99: number; max: number };
  sampleBody: string;
  load: string;
}

async function runMode(mode: string, receiverUrl: string, burstEvents: number, pacedEvents: number): Promise<ModeResult> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const { databaseUrl, redisUrl } = await benchDatabases(mode, cleanups);
    Object.assign(process.env, workerEnv(databaseUrl));
    const { default: prisma } = await import("../app/db.server");
    cleanups.unshift(() => prisma.$disconnect());
    const shopId = await benchShop(prisma, receiverUrl);

    const workerCount = mode === "embedded" ? 1 : 2;
    const concurrency = mode === "embedded" ? 8 : 16;
    const workers: Child[] = [];
    for (let i = 0; i < workerCount; i++) {
      workers.push(startChild(["--import", "tsx", path.join("app", "worker.ts")], workerEnv(databaseUrl, { REDIS_URL: redisUrl, LOG_LEVEL: "info" })));
    }
    cleanups.unshift(() => Promise.all(workers.map((worker) => worker.stop())).then(() => {}));
    await until("the workers to start", () => workers.every((worker) => /worker started/.test(worker.output())), 60_000, 100);

    let seeded = 0;
    async function seed(count: number, dueAt: (i: number) => Date) {
      await seedDueCheckouts(prisma, shopId, seeded, count, dueAt);
      seeded += count;
    }
    const succeeded = () => prisma.delivery.count({ where: { status: "succeeded", topic: "abandonedCheckout" } });
    /** First-attempt start and first success for each checkout's delivery, by checkout token. */
    async function attemptsOf(tokens: string[]) {
      const wanted = new Set(tokens);
      const rows = await prisma.delivery.findMany({
        where: { topic: "abandonedCheckout" },
        select: { firstSuccessAt: true, attempts: { where: { number: 1 }, select: { startedAt: true } }, event: { select: { checkout: { select: { token: true } } } } },
      });
      return rows
        .filter((row) => wanted.has(row.event.checkout!.token))
        .map((row) => ({ token: row.event.checkout!.token, startedAt: row.attempts[0]!.startedAt.getTime(), succeededAt: row.firstSuccessAt!.getTime() }));
    }
    const tokens = (from: number, count: number) => Array.from({ length: count }, (_, i) => `bench-${from + i}`);

    // Burst: every checkout due at the same moment.
    const burstDue = new Date(Date.now() + 2000);
    await seed(burstEvents, () => burstDue);
    await until("the burst to be delivered", async () => (await succeeded()) === burstEvents, 30 * 60_000, 250);
    const burstRows = await attemptsOf(tokens(0, burstEvents));
    const burstSeconds = (Math.max(...burstRows.map((row) => row.succeededAt)) - burstDue.getTime()) / 1000;
    const burstLate = burstRows.map((row) => row.startedAt - burstDue.getTime()).sort((a, b) => a - b);

    // Paced: due one after another at half the burst rate.
    const rate = Math.max(1, (burstEvents / burstSeconds) * 0.5);
    const pacedStart = Date.now() + 2000;
    const pacedDue = (i: number) => new Date(pacedStart + (i * 1000) / rate);
    await seed(pacedEvents, pacedDue);
    await until("the paced checkouts to be delivered", async () => (await succeeded()) === burstEvents + pacedEvents, 30 * 60_000, 250);
    // abandonDueAt is cleared once a checkout is abandoned, so the deadlines come from the seeding.
    const deadlines = new Map(tokens(burstEvents, pacedEvents).map((token, i) => [token, pacedDue(i).getTime()]));
    const paced = (await attemptsOf([...deadlines.keys()])).map((row) => row.startedAt - deadlines.get(row.token)!).sort((a, b) => a - b);

    const sample = await prisma.delivery.findFirstOrThrow({ select: { body: true } });
    return {
      mode,
      workers: workerCount,
      concurrency,
      burst: { events: burstEvents, seconds: burstSeconds, perSecond: burstEvents / burstSeconds, p50: percentile(burstLate, 50), p99: percentile(burstLate, 99) },
      paced: { events: pacedEvents, rate, p50: percentile(paced, 50), p99: percentile(paced, 99), max: paced[paced.length - 1]! },
      sampleBody: sample.body,
      load: loadNow(),
    };
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

/** The ceiling: `count` POSTs of the same body, `concurrency` at a time over keep-alive. */
async function rawPostLoop(url: string, body: string, count: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const headers = { "content-type": "application/json", "x-webhook-topic": "abandonedCheckout", "x-idempotency-key": randomUUID(), "x-webhook-signature": "x".repeat(44) };
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < count) {
      const response = await pool.request({ method: "POST", path: target.pathname, headers, body });
      await response.body.dump();
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return count / seconds;
}

if (values.run) {
  const result = await runMode(values.run, values.receiver!, Number(values.events), Number(values.paced));
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

process.stdout.write(`# Delivery benchmark\n${machine()}\n\n`);
const port = await freeLoopbackPort();
const receiver = startChild([path.join(ROOT, "bench", "receiver.mjs")], { ...process.env, PORT: String(port) });
const receiverUrl = `http://127.0.0.1:${port}/hooks/cart-relay`;
await until("the receiver", async () => (await fetch(receiverUrl).catch(() => null))?.ok === true, 10_000);
const results: ModeResult[] = [];
try {
  for (const mode of values.modes!.split(",")) {
    const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", "delivery.ts"), "--run", mode, "--receiver", receiverUrl, "--events", values.events!, "--paced", values.paced!], {
      cwd: ROOT, stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const line = out.split("\n").find((l) => l.startsWith("RESULT "));
    if (code !== 0 || !line) throw new Error(`${mode} run failed (${code}):\n${out}`);
    results.push(JSON.parse(line.slice("RESULT ".length)) as ModeResult);
  }
  const rows: (string | number)[][] = [];
  for (const result of results) {
    const ceiling = await rawPostLoop(receiverUrl, result.sampleBody, Math.max(2000, result.burst.events * 2), result.workers * result.concurrency);
    rows.push([
      `${result.mode} (${result.workers} worker${result.workers > 1 ? "s" : ""} x ${result.concurrency})`,
      result.burst.perSecond.toFixed(1),
      ceiling.toFixed(0),
      (result.burst.perSecond / ceiling).toFixed(4),
      `${ms(result.burst.p50)}, ${ms(result.burst.p99)}`,
      `${result.paced.rate.toFixed(1)}/s: ${ms(result.paced.p50)}, ${ms(result.paced.p99)}, max ${ms(result.paced.max)}`,
      result.load,
    ]);
  }
  process.stdout.write(table(
    ["mode", "events/s due to 2xx", "raw undici POST/s (same concurrency)", "ratio", "burst lateness p50, p99", "paced lateness p50, p99", "load after"],
    rows,
  ));
  process.stdout.write(`\n\n${values.events} checkouts due at once, then ${values.paced} due one by one; body ${results[0]?.sampleBody.length ?? 0} bytes; receiver, workers, databases and this script share the CPUs\n`);
} finally {
  await receiver.stop();
}
