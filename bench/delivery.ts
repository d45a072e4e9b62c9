// Delivery throughput and lateness: deliveries fall due (events and their
// deliveries are seeded the way recordEvent writes them, so the figure is the
// delivery worker's, not the detector's) and worker processes send them to a
// loopback receiver that answers 200 at once. Compared, in the same run, with
// a raw undici keep-alive POST loop of the same body to the same receiver
// over the same number of connections, warmed up before it is measured (the
// ceiling for any sender on this machine).
//
//   npx tsx bench/delivery.ts [--events 5000] [--paced 2000] [--modes embedded,scale-1,scale-2] [--cpu-prof DIR]
//
// embedded: one `npm run worker` process, polling SQLite (WAL); embedded-N: N
// of them on the one SQLite file. scale-N: N
// `npm run worker` processes on BullMQ, with throwaway PostgreSQL and Redis.
// Figures: events/s from the moment a burst of deliveries is due to the last
// 2xx; worker CPU per event (user + system time of the worker processes over
// the burst, from /proc); lateness = first attempt's start minus the due
// time, for the burst (queueing included) and for deliveries falling due one
// by one at half the burst rate (what a steady stream sees).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { Pool } from "undici";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { loadNow, machine, ms, percentile, ROOT, startChild, table, until, type Child } from "./lib";
import { benchDatabases, benchShop, workerEnv } from "./seed";
import { seedDueDeliveries } from "./seed-deliveries";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "5000" },
    paced: { type: "string", default: "2000" },
    modes: { type: "string", default: "embedded,scale-1,scale-2" },
    run: { type: "string" },
    receiver: { type: "string" },
    /** A folder: each worker writes a V8 CPU profile of its run there (node --cpu-prof). */
    "cpu-prof": { type: "string" },
  },
});

/** The worker's per-endpoint cap of attempts in flight (app/delivery/lanes.server.ts): its connections to one receiver. */
const CONNECTIONS_PER_WORKER = 32;
/** The raw loop's measured pass, and its warm-up pass before it, are at least this long. */
const RAW_LOOP_MIN_REQUESTS = 40_000;

interface ModeResult {
  mode: string;
  workers: number;
  concurrency: number;
  burst: {
    events: number;
    seconds: number;
    perSecond: number;
    p50: number;
    p99: number;
    cpuUsPerEvent: number;
    perClaim: number;
    answer50: number;
    answer99: number;
  };
  paced: { events: number; rate: number; p50: number; p99: number; max: number };
  sampleBody: string;
  load: string;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux; 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function runMode(mode: string, receiverUrl: string, burstEvents: number, pacedEvents: number): Promise<ModeResult> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const { databaseUrl, redisUrl } = await benchDatabases(mode, cleanups);
    Object.assign(process.env, workerEnv(databaseUrl));
    const { default: prisma } = await import("../app/db.server");
    cleanups.unshift(() => prisma.$disconnect());
    const shopId = await benchShop(prisma, receiverUrl);

    const workerCount = mode === "embedded" ? 1 : Number(mode.split("-")[1] ?? 2);
    const concurrency = CONNECTIONS_PER_WORKER;
    const workers: Child[] = [];
    for (let i = 0; i < workerCount; i++) {
      const profile = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`] : [];
      workers.push(
        startChild([...profile, "--import", "tsx", path.join("app", "worker.ts")], workerEnv(databaseUrl, { REDIS_URL: redisUrl, LOG_LEVEL: "info" })),
      );
    }
    cleanups.unshift(() => Promise.all(workers.map((worker) => worker.stop())).then(() => {}));
    await until("the workers to start", () => workers.every((worker) => /worker started/.test(worker.output())), 60_000, 100);
    const workerCpu = () => workers.reduce((sum, worker) => sum + cpuSeconds(worker.child.pid!), 0);

    let seeded = 0;
    const due = new Map<string, number>();
    async function seed(count: number, dueAt: (i: number) => Date) {
      const ids = await seedDueDeliveries(prisma, shopId, seeded, count, dueAt);
      ids.forEach((id, i) => due.set(id, dueAt(i).getTime()));
      seeded += count;
      return ids;
    }
    const succeeded = () => prisma.delivery.count({ where: { status: "succeeded", topic: "abandonedCheckout" } });
    /** First-attempt start minus due time, and first success, per event. */
    async function attemptsOf(eventIds: string[]) {
      const rows: { eventId: string; firstSuccessAt: Date | null; attempts: { startedAt: Date; durationMs: number | null }[] }[] = [];
      for (let i = 0; i < eventIds.length; i += 1000) {
        rows.push(
          ...(await prisma.delivery.findMany({
            where: { eventId: { in: eventIds.slice(i, i + 1000) } },
            select: { eventId: true, firstSuccessAt: true, attempts: { where: { number: 1 }, select: { startedAt: true, durationMs: true } } },
          })),
        );
      }
      return rows.map((row) => ({
        late: row.attempts[0].startedAt.getTime() - due.get(row.eventId)!,
        startedAt: row.attempts[0].startedAt.getTime(),
        durationMs: row.attempts[0].durationMs ?? 0,
        succeededAt: row.firstSuccessAt!.getTime(),
      }));
    }

    // Burst: every delivery due at the same moment.
    const burstDue = new Date(Date.now() + 3000);
    const burstIds = await seed(burstEvents, () => burstDue);
    await until("the burst to come due", () => Date.now() >= burstDue.getTime(), 10_000, 5);
    const cpuBefore = workerCpu();
    await until("the burst to be delivered", async () => (await succeeded()) === burstEvents, 30 * 60_000, 100);
    const cpuUsed = workerCpu() - cpuBefore;
    const burstRows = await attemptsOf(burstIds);
    const burstSeconds = (Math.max(...burstRows.map((row) => row.succeededAt)) - burstDue.getTime()) / 1000;
    const burstLate = burstRows.map((row) => row.late).sort((a, b) => a - b);
    const answers = burstRows.map((row) => row.durationMs).sort((a, b) => a - b);

    // Paced: due one after another at half the burst rate.
    const rate = Math.max(1, (burstEvents / burstSeconds) * 0.5);
    const pacedStart = Date.now() + 3000;
    const pacedIds = await seed(pacedEvents, (i) => new Date(pacedStart + (i * 1000) / rate));
    await until("the paced deliveries to be delivered", async () => (await succeeded()) === burstEvents + pacedEvents, 30 * 60_000, 250);
    const paced = (await attemptsOf(pacedIds)).map((row) => row.late).sort((a, b) => a - b);

    const sample = await prisma.delivery.findFirstOrThrow({ select: { body: true } });
    return {
      mode,
      workers: workerCount,
      concurrency,
      burst: {
        events: burstEvents,
        seconds: burstSeconds,
        perSecond: burstEvents / burstSeconds,
        p50: percentile(burstLate, 50),
        p99: percentile(burstLate, 99),
        answer50: percentile(answers, 50),
        answer99: percentile(answers, 99),
        cpuUsPerEvent: (cpuUsed * 1e6) / burstEvents,
        // A claim stamps its attempts with one start time: how many events one claim (and one commit) carried.
        perClaim: burstEvents / new Set(burstRows.map((row) => row.startedAt)).size,
      },
      paced: { events: pacedEvents, rate, p50: percentile(paced, 50), p99: percentile(paced, 99), max: paced[paced.length - 1] },
      sampleBody: sample.body,
      load: loadNow(),
    };
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

/**
 * The ceiling: `count` POSTs of the same body, over `connections` keep-alive
 * connections, after a warm-up of as many again on the same pool (connections
 * open, JIT warm), so the ceiling is not understated.
 */
async function rawPostLoop(url: string, body: string, count: number, connections: number): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1 });
  const headers = {
    "content-type": "application/json",
    "x-webhook-topic": "abandonedCheckout",
    "x-idempotency-key": randomUUID(),
    "x-webhook-signature": "x".repeat(44),
  };
  const loop = async (total: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next++ < total) {
          const response = await pool.request({ method: "POST", path: target.pathname, headers, body });
          await response.body.dump();
        }
      }),
    );
  };
  await loop(count);
  const started = performance.now();
  await loop(count);
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
  for (const mode of values.modes.split(",")) {
    const child = spawn(
      process.execPath,
      [
        ...["--import", "tsx", path.join("bench", "delivery.ts"), "--run", mode, "--receiver", receiverUrl, "--events", values.events, "--paced", values.paced],
        ...(values["cpu-prof"] ? ["--cpu-prof", values["cpu-prof"]] : []),
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const line = out.split("\n").find((l) => l.startsWith("RESULT "));
    if (code !== 0 || !line) throw new Error(`${mode} run failed (${code}):\n${out}`);
    results.push(JSON.parse(line.slice("RESULT ".length)) as ModeResult);
  }
  const rows: (string | number)[][] = [];
  for (const result of results) {
    // At least 40,000 requests: a short loop (4,000 after as many warming up) read 19,700/s where a long one reads 32,000-35,000/s.
    const ceiling = await rawPostLoop(
      receiverUrl,
      result.sampleBody,
      Math.max(RAW_LOOP_MIN_REQUESTS, result.burst.events * 2),
      result.workers * result.concurrency,
    );
    rows.push([
      `${result.mode} (${result.workers} worker${result.workers > 1 ? "s" : ""} x ${result.concurrency})`,
      result.burst.perSecond.toFixed(1),
      ceiling.toFixed(0),
      (result.burst.perSecond / ceiling).toFixed(4),
      result.burst.cpuUsPerEvent.toFixed(0),
      result.burst.perClaim.toFixed(1),
      `${ms(result.burst.p50)}, ${ms(result.burst.p99)}`,
      `${ms(result.burst.answer50)}, ${ms(result.burst.answer99)}`,
      `${result.paced.rate.toFixed(1)}/s: ${ms(result.paced.p50)}, ${ms(result.paced.p99)}, max ${ms(result.paced.max)}`,
      result.load,
    ]);
  }
  process.stdout.write(
    table(
      [
        "mode",
        "events/s due to 2xx",
        "raw undici POST/s (warm, same connections)",
        "ratio",
        "worker CPU µs/event",
        "events per claim",
        "burst lateness p50, p99",
        "attempt send to answer p50, p99",
        "paced lateness p50, p99",
        "load after",
      ],
      rows,
    ),
  );
  process.stdout.write(
    `\n\n${values.events} deliveries due at once, then ${values.paced} due one by one; body ${results[0]?.sampleBody.length ?? 0} bytes; receiver, workers, databases and this script share the CPUs\n`,
  );
} finally {
  await receiver.stop();
}
