// Delivery worker memory over a long run: the embedded worker (the lanes and
// detector of `createEmbeddedQueue`, on SQLite) runs in this process and
// delivers round after round of due deliveries to a loopback receiver; after
// each round a full garbage collection runs and RSS, V8 heap and memory
// outside the heap are printed. The baseline is the same process after a
// first, warm-up round, in the same run. With --heap-snapshots DIR it writes
// a heap snapshot after the warm-up and after the last round (compare them in
// Chrome DevTools' Memory tab, "Comparison").
//
//   npx tsx bench/delivery-memory.ts [--rounds 10] [--events 10000] [--heap-snapshots DIR]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeHeapSnapshot } from "node:v8";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { loadNow, machine, ROOT, sqliteDatabase, startChild, table, until } from "./lib";
import { benchShop, workerEnv } from "./seed";
import { seedDueDeliveries } from "./seed-deliveries";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    events: { type: "string", default: "10000" },
    "heap-snapshots": { type: "string" },
    run: { type: "string" },
    receiver: { type: "string" },
  },
});

interface Sample {
  events: number;
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  seconds: number;
  load: string;
}

const MiB = 2 ** 20;

async function run(receiverUrl: string, rounds: number, perRound: number, snapshots: string | undefined): Promise<Sample[]> {
  const database = sqliteDatabase();
  try {
    Object.assign(process.env, workerEnv(database.url, { LOG_LEVEL: "info" }));
    const { default: prisma } = await import("../app/db.server");
    const { createEmbeddedQueue } = await import("../app/queue/embedded.server");
    const shopId = await benchShop(prisma, receiverUrl);
    const queue = createEmbeddedQueue({ pollIntervalMs: 1000 });
    await queue.start();
    const gc = (globalThis as { gc?: () => void }).gc!;
    const started = performance.now();
    const samples: Sample[] = [];
    const sample = (events: number) => {
      gc();
      const used = process.memoryUsage();
      samples.push({
        events,
        rssMiB: used.rss / MiB,
        heapUsedMiB: used.heapUsed / MiB,
        externalMiB: (used.external + used.arrayBuffers) / MiB,
        seconds: (performance.now() - started) / 1000,
        load: loadNow(),
      });
    };
    for (let round = 0; round <= rounds; round++) {
      const now = new Date();
      await seedDueDeliveries(prisma, shopId, round * perRound, perRound, () => now);
      await until(`round ${round}`, async () => (await prisma.delivery.count({ where: { status: "succeeded" } })) === (round + 1) * perRound, 30 * 60_000, 250);
      // Round 0 warms up (JIT, statement caches, connections): it is the baseline.
      sample(round * perRound);
      if (snapshots && (round === 0 || round === rounds)) writeHeapSnapshot(path.join(snapshots, `delivery-worker-after-${round * perRound}.heapsnapshot`));
    }
    await queue.stop();
    await prisma.$disconnect();
    return samples;
  } finally {
    database.remove();
  }
}

if (values.run) {
  const samples = await run(values.receiver!, Number(values.rounds), Number(values.events), values["heap-snapshots"]);
  writeFileSync(values.run, JSON.stringify(samples));
  process.exit(0);
}

process.stdout.write(`# Delivery worker memory benchmark\n${machine()}\n\n`);
const port = await freeLoopbackPort();
const receiver = startChild([path.join(ROOT, "bench", "receiver.mjs")], { ...process.env, PORT: String(port) });
const receiverUrl = `http://127.0.0.1:${port}/hooks/cart-relay`;
await until("the receiver", async () => (await fetch(receiverUrl).catch(() => null))?.ok === true, 10_000);
const dir = mkdtempSync(path.join(tmpdir(), "cart-relay-memory-"));
try {
  const resultFile = path.join(dir, "samples.json");
  const snapshots = values["heap-snapshots"] ? ["--heap-snapshots", path.resolve(values["heap-snapshots"])] : [];
  const child = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      path.join("bench", "delivery-memory.ts"),
      ...["--run", resultFile, "--receiver", receiverUrl, "--rounds", values.rounds, "--events", values.events],
      ...snapshots,
    ],
    // The worker logs every attempt, as in production; the lines go nowhere.
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the memory run failed (${code})`);
  const samples = JSON.parse(readFileSync(resultFile, "utf8")) as Sample[];
  const base = samples[0];
  const delta = (value: number, from: number) => `${value - from >= 0 ? "+" : ""}${(value - from).toFixed(1)}`;
  process.stdout.write(
    `${table(
      ["events delivered", "RSS (MiB)", "vs baseline", "V8 heap used (MiB)", "vs baseline", "external + array buffers (MiB)", "elapsed (s)", "load"],
      samples.map((s) => [
        s.events === 0 ? `0 (baseline, after ${values.events} warm-up)` : s.events.toLocaleString("en"),
        s.rssMiB.toFixed(1),
        delta(s.rssMiB, base.rssMiB),
        s.heapUsedMiB.toFixed(1),
        delta(s.heapUsedMiB, base.heapUsedMiB),
        s.externalMiB.toFixed(1),
        s.seconds.toFixed(0),
        s.load,
      ]),
    )}\n`,
  );
  const half = samples[Math.floor(samples.length / 2)];
  const last = samples[samples.length - 1];
  const perThousand = (from: Sample, field: "rssMiB" | "heapUsedMiB") =>
    (((last[field] - from[field]) * 1024) / ((last.events - from.events) / 1000)).toFixed(1);
  process.stdout.write(
    `\nsecond half of the run: RSS ${perThousand(half, "rssMiB")} KiB and V8 heap ${perThousand(half, "heapUsedMiB")} KiB per 1,000 events (after a full GC each round)\n`,
  );
} finally {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
}
