// Capture API throughput and latency: the built app (`npm start`'s
// server.mjs, SQLite, worker off) against a bare node:http server parsing the
// same JSON, in the same run, both warmed up first, with the same bodies and
// the same 32 connections. Capacity is the closed-loop rate; latency is then
// measured open-loop at 50 % and 100 % of it. CPU per request is the server
// process's CPU time over the capacity phase divided by its requests.
//
//   npx tsx bench/capture-api.ts [--seconds 10] [--shops 1000] [--databases sqlite,postgres] [--profile]
// Needs build/ (npm run build). PostgreSQL runs a throwaway server of its own. `--profile` runs the app under `node
// --cpu-prof` and prints where its CPU went (bench/capture-profile.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { captureLoad } from "./capture-load";
import { summarizeProfile, type CpuProfile } from "./capture-profile";
import { applyPostgresMigrations, createDatabase } from "../scripts/postgres/migrations";
import { freeLoopbackPort, startPostgres } from "../scripts/throwaway-servers";
import {
  appEnv,
  closedLoop,
  cpuMicros,
  loadNow,
  machine,
  ms,
  openLoop,
  ROOT,
  sqliteDatabase,
  startChild,
  table,
  until,
  type LoadResult,
  type Target,
} from "./lib";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    shops: { type: "string", default: "1000" },
    databases: { type: "string", default: "sqlite" },
    profile: { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);
const databases = values.databases.split(",");
if (databases.some((kind) => kind !== "sqlite" && kind !== "postgres")) {
  process.stderr.write(`--databases takes sqlite and/or postgres, not ${values.databases}\n`);
  process.exit(2);
}
const shopCount = Number(values.shops);
if (!existsSync(path.join(ROOT, "build", "server", "index.js"))) {
  process.stderr.write("build/ is missing: run `npm run build` first\n");
  process.exit(2);
}

const { target, mintTokens, primeShops } = captureLoad(shopCount);

async function measure(
  name: string,
  origin: string,
  target: Target,
  pid: number,
): Promise<{ name: string; capacity: LoadResult; half: LoadResult; full: LoadResult; load: string; cpuPerRequest: number }> {
  await primeShops(origin);
  await closedLoop({ ...target, origin }, { concurrency: 32, seconds: 3, startAt: 10_000_000 }); // warm-up
  const cpuBefore = cpuMicros(pid);
  const capacity = await closedLoop({ ...target, origin }, { concurrency: 32, seconds, startAt: 0 });
  const cpuPerRequest = (cpuMicros(pid) - cpuBefore) / (capacity.requests + capacity.errors);
  const half = await openLoop({ ...target, origin }, { rps: capacity.rps * 0.5, seconds, startAt: 20_000_000 });
  const full = await openLoop({ ...target, origin }, { rps: capacity.rps, seconds, startAt: 30_000_000 });
  return { name, capacity, half, full, load: loadNow(), cpuPerRequest };
}

process.stdout.write(`# Capture API benchmark\n${machine()}\n\n`);
const results = [];
let profile: string | null = null;
const cleanups: (() => Promise<void> | void)[] = [];
try {
  const barePort = await freeLoopbackPort();
  const bare = startChild([path.join(ROOT, "bench", "bare-json-server.mjs")], { ...process.env, PORT: String(barePort) });
  const bareOrigin = `http://127.0.0.1:${barePort}`;
  await until("the bare server", async () => (await fetch(bareOrigin, { method: "POST", body: "{}" }).catch(() => null))?.ok === true, 10_000);
  await mintTokens();
  results.push(await measure("bare node:http + JSON.parse (ceiling)", bareOrigin, { ...target, origin: bareOrigin }, bare.child.pid!));
  await bare.stop();

  for (const kind of databases) {
    let url: string;
    if (kind === "sqlite") {
      const database = sqliteDatabase();
      cleanups.push(database.remove);
      url = database.url;
    } else {
      const postgres = await startPostgres();
      cleanups.push(() => postgres.stop());
      url = await createDatabase(postgres.url, "cart_relay_capture_bench");
      await applyPostgresMigrations(url);
    }
    const appPort = await freeLoopbackPort();
    const profileDir = values.profile ? mkdtempSync(path.join(tmpdir(), "cart-relay-profile-")) : null;
    const server = startChild(
      [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "server.mjs"],
      appEnv({ PORT: String(appPort), DATABASE_URL: url }),
    );
    cleanups.push(() => server.stop());
    const appOrigin = `http://127.0.0.1:${appPort}`;
    await until("the app server", async () => (await fetch(`${appOrigin}/healthz`).catch(() => null))?.ok === true, 60_000, 200);
    await mintTokens();
    results.push(
      await measure(
        `Cart Relay POST /api/capture (${kind === "sqlite" ? "SQLite" : "PostgreSQL"})`,
        appOrigin,
        { ...target, origin: appOrigin },
        server.child.pid!,
      ),
    );
    await server.stop();
    if (profileDir) {
      const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
      if (file)
        profile = `${profile ?? ""}\n## Profile of the app server on ${kind} (whole run: priming, warm-up and every phase)\n\n${summarizeProfile(JSON.parse(readFileSync(path.join(profileDir, file), "utf8")) as CpuProfile)}\n`;
      rmSync(profileDir, { recursive: true, force: true });
    }
  }
} finally {
  for (const cleanup of cleanups.reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
  }
}

const [bare, ...captures] = results;
process.stdout.write(
  table(
    ["server", "capacity (req/s, 32 clients)", "CPU per request", "at 50 %: req/s, p50, p99", "at 100 %: req/s, p50, p99", "non-200", "load after"],
    results.map((r) => [
      r.name,
      r.capacity.rps.toFixed(0),
      `${r.cpuPerRequest.toFixed(0)} µs`,
      `${r.half.rps.toFixed(0)}, ${ms(r.half.p50)}, ${ms(r.half.p99)}`,
      `${r.full.rps.toFixed(0)}, ${ms(r.full.p50)}, ${ms(r.full.p99)}`,
      String(r.capacity.errors + r.half.errors + r.full.errors),
      r.load,
    ]),
  ),
);
for (const capture of captures)
  process.stdout.write(`\n\nratio (${capture.name} capacity / bare ceiling): ${(capture.capacity.rps / bare.capacity.rps).toFixed(3)}`);
process.stdout.write("\n");
process.stdout.write(`load generator, servers and database share the same ${(await import("node:os")).cpus().length} CPUs; ${seconds} s per phase\n`);
if (profile) process.stdout.write(profile);
