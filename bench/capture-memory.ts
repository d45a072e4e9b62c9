// Web memory over a long capture run: the built server (`npm start`'s
// server.mjs, SQLite, worker off) takes round after round of captures, many
// checkouts over many shops, from 32 keep-alive clients; after each round its
// resident set size (from /proc) and V8 heap (reported by the process itself)
// are printed. The baseline is the same process after its warm-up round, in
// the same run; flat means the last rounds sit near it, not growing with them.
//
//   npx tsx bench/capture-memory.ts [--captures 1000000] [--rounds 10] [--shops 1000]
// Needs build/ (npm run build).
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { captureLoad } from "./capture-load";
import { appEnv, loadNow, machine, ROOT, rssMiB, sqliteDatabase, startChild, table, until } from "./lib";

const { values } = parseArgs({
  options: { captures: { type: "string", default: "1000000" }, rounds: { type: "string", default: "10" }, shops: { type: "string", default: "1000" } },
});
const rounds = Number(values.rounds);
const perRound = Math.ceil(Number(values.captures) / rounds);
if (!existsSync(path.join(ROOT, "build", "server", "index.js"))) {
  process.stderr.write("build/ is missing: run `npm run build` first\n");
  process.exit(2);
}
const { target, mintTokens, primeShops } = captureLoad(Number(values.shops));

/** `count` captures from 32 clients; the answers that were not 200. */
async function sendCaptures(origin: string, startAt: number, count: number): Promise<number> {
  const pool = new Pool(origin, { connections: 32, pipelining: 1 });
  let next = startAt;
  let failures = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < startAt + count; i = next++) {
        const response = await pool.request({ method: "POST", path: target.path, headers: target.headers(i), body: target.body(i) });
        await response.body.dump();
        if (response.statusCode !== 200) failures++;
      }
    }),
  );
  await pool.close();
  return failures;
}

// The server reports its own heap: process.memoryUsage() in the child, read from its output.
const REPORTER = "data:text/javascript,setInterval(()=>process.stderr.write(`memory ${JSON.stringify(process.memoryUsage())}\\n`),500).unref()";

function lastHeapMiB(output: string): number {
  const lines = output.match(/^memory (\{.*\})$/gm);
  if (!lines) return NaN;
  const usage = JSON.parse(lines[lines.length - 1].slice("memory ".length)) as { heapUsed: number };
  return usage.heapUsed / 2 ** 20;
}

process.stdout.write(`# Capture memory benchmark\n${machine()}\n\n`);
const database = sqliteDatabase();
const rows: string[][] = [];
try {
  const port = await freeLoopbackPort();
  const server = startChild(["--import", REPORTER, "server.mjs"], appEnv({ PORT: String(port), DATABASE_URL: database.url }));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await until("the app server", async () => (await fetch(`${origin}/healthz`).catch(() => null))?.ok === true, 60_000, 200);
    await mintTokens();
    await primeShops(origin);
    const pid = server.child.pid!;
    const started = performance.now();
    let sent = 0;
    const sample = async (label: string, failures: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a fresh heap report
      rows.push([
        label,
        rssMiB(pid).toFixed(1),
        lastHeapMiB(server.output()).toFixed(1),
        String(failures),
        ((performance.now() - started) / 1000).toFixed(0),
        loadNow(),
      ]);
      process.stderr.write(`${rows.at(-1)!.join("  ")}\n`);
    };
    // Warm-up: a tenth of a round, so caches and pools have filled once before the baseline.
    let failures = await sendCaptures(origin, 100_000_000, Math.ceil(perRound / 10));
    await sample("after warm-up (baseline)", failures);
    let mintedAt = performance.now();
    for (let round = 1; round <= rounds; round++) {
      if (performance.now() - mintedAt > 120_000) {
        await mintTokens();
        mintedAt = performance.now();
      }
      failures = await sendCaptures(origin, sent, perRound);
      sent += perRound;
      await sample(`${sent.toLocaleString("en")} captures`, failures);
    }
  } finally {
    await server.stop();
  }
} finally {
  database.remove();
}

process.stdout.write(table(["after", "RSS (MiB)", "heap used (MiB)", "non-200", "seconds", "load"], rows));
const baseline = Number(rows[0][1]);
const last = Number(rows.at(-1)![1]);
process.stdout.write(
  `\n\nRSS last / baseline: ${(last / baseline).toFixed(2)}; ${perRound * rounds} captures over ${values.shops} shops, ${Math.ceil((perRound * rounds) / 3)} checkouts\n`,
);
