// Worker memory over a long run: one `npm run worker` process delivers round
// after round of due deliveries (seeded in bulk, as recordEvent writes them)
// to a loopback receiver;
// its resident set size is read from /proc after each round. The baseline is
// the same process idle right after it started, in the same run.
//
//   npx tsx bench/worker-memory.ts [--rounds 10] [--events 10000] [--modes embedded,scale]
//
// embedded: SQLite, the polling loop. scale: BullMQ with throwaway PostgreSQL
// and Redis (one worker, so the figure is one process's).
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { loadNow, machine, ROOT, rssMiB, startChild, table, until } from "./lib";
import { benchDatabases, benchShop, workerEnv } from "./seed";
import { seedDueDeliveries } from "./seed-deliveries";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    events: { type: "string", default: "10000" },
    modes: { type: "string", default: "embedded,scale" },
    run: { type: "string" },
    receiver: { type: "string" },
  },
});

interface Sample {
  events: number;
  rssMiB: number;
  seconds: number;
  load: string;
}

async function runMode(mode: string, receiverUrl: string, rounds: number, perRound: number): Promise<Sample[]> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const { databaseUrl, redisUrl } = await benchDatabases(mode, cleanups);
    Object.assign(process.env, workerEnv(databaseUrl));
    const { default: prisma } = await import("../app/db.server");
    cleanups.unshift(() => prisma.$disconnect());
    const shopId = await benchShop(prisma, receiverUrl);

    const worker = startChild(["--import", "tsx", path.join("app", "worker.ts")], workerEnv(databaseUrl, { REDIS_URL: redisUrl, LOG_LEVEL: "info" }));
    cleanups.unshift(() => worker.stop());
    await until("the worker to start", () => /worker started/.test(worker.output()), 60_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pid = worker.child.pid!;
    const started = performance.now();
    const samples: Sample[] = [{ events: 0, rssMiB: rssMiB(pid), seconds: 0, load: loadNow() }];
    for (let round = 1; round <= rounds; round++) {
      const now = new Date();
      await seedDueDeliveries(prisma, shopId, (round - 1) * perRound, perRound, () => now);
      await until(`round ${round}`, async () => (await prisma.delivery.count({ where: { status: "succeeded" } })) === round * perRound, 30 * 60_000, 250);
      samples.push({ events: round * perRound, rssMiB: rssMiB(pid), seconds: (performance.now() - started) / 1000, load: loadNow() });
    }
    return samples;
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

if (values.run) {
  const samples = await runMode(values.run, values.receiver!, Number(values.rounds), Number(values.events));
  process.stdout.write(`RESULT ${JSON.stringify(samples)}\n`);
  process.exit(0);
}

process.stdout.write(`# Worker memory benchmark\n${machine()}\n\n`);
const port = await freeLoopbackPort();
const receiver = startChild([path.join(ROOT, "bench", "receiver.mjs")], { ...process.env, PORT: String(port) });
const receiverUrl = `http://127.0.0.1:${port}/hooks/cart-relay`;
await until("the receiver", async () => (await fetch(receiverUrl).catch(() => null))?.ok === true, 10_000);
try {
  for (const mode of values.modes.split(",")) {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join("bench", "worker-memory.ts"),
        "--run",
        mode,
        "--receiver",
        receiverUrl,
        "--rounds",
        values.rounds,
        "--events",
        values.events,
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
    const samples = JSON.parse(line.slice("RESULT ".length)) as Sample[];
    const idle = samples[0].rssMiB;
    process.stdout.write(
      `\n## ${mode}\n\n${table(
        ["events delivered", "worker RSS (MiB)", "vs idle baseline", "elapsed (s)", "load"],
        samples.map((s) => [
          s.events === 0 ? "0 (idle baseline)" : s.events.toLocaleString("en"),
          s.rssMiB.toFixed(1),
          `${s.rssMiB - idle >= 0 ? "+" : ""}${(s.rssMiB - idle).toFixed(1)}`,
          s.seconds.toFixed(0),
          s.load,
        ]),
      )}\n`,
    );
    const half = samples[Math.floor(samples.length / 2)];
    const last = samples[samples.length - 1];
    process.stdout.write(
      `\nsecond half of the run: ${(((last.rssMiB - half.rssMiB) * 1024) / ((last.events - half.events) / 1000)).toFixed(1)} KiB per 1,000 events\n`,
    );
  }
} finally {
  await receiver.stop();
}
