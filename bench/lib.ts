// Shared pieces of the benchmark scripts: the machine's description, tables,
// percentiles, a load generator, throwaway app databases and child processes.
// Benchmarks print figures; nothing here asserts a speed.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function machine(): string {
  const cores = cpus();
  return [
    `cpus: ${cores.length} x ${cores[0]?.model.trim() ?? "unknown"}`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node ${process.version}, ${process.platform}/${process.arch}`,
    `load average (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
    `date: ${new Date().toISOString()}`,
  ].join("\n");
}

export function loadNow(): string {
  return loadavg()[0].toFixed(2);
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : "-");

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

export interface Target {
  origin: string;
  path: string;
  headers: (i: number) => Record<string, string>;
  body: (i: number) => string;
}

function summarize(latencies: number[], errors: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Closed loop: `concurrency` clients, each sending its next request when the last one answered. */
export async function closedLoop(
  target: Target,
  { concurrency, seconds, startAt = 0 }: { concurrency: number; seconds: number; startAt?: number },
): Promise<LoadResult> {
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let next = startAt;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = next++;
        const t0 = performance.now();
        try {
          const response = await pool.request({ method: "POST", path: target.path, headers: target.headers(i), body: target.body(i) });
          await response.body.dump();
          if (response.statusCode === 200) latencies.push(performance.now() - t0);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return summarize(latencies, errors, elapsed);
}

/**
 * Open loop: requests start on a fixed schedule (`rps`) whatever the answers,
 * so latency includes queueing when the server (or this generator) falls
 * behind. Latency counts from the scheduled start.
 */
export async function openLoop(
  target: Target,
  { rps, seconds, startAt = 0, maxConnections = 256 }: { rps: number; seconds: number; startAt?: number; maxConnections?: number },
): Promise<LoadResult> {
  const pool = new Pool(target.origin, { connections: maxConnections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rps * seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  const send = async (n: number, scheduled: number) => {
    try {
      const response = await pool.request({ method: "POST", path: target.path, headers: target.headers(startAt + n), body: target.body(startAt + n) });
      await response.body.dump();
      if (response.statusCode === 200) latencies.push(performance.now() - scheduled);
      else errors++;
    } catch {
      errors++;
    }
  };
  // Each tick starts every request whose time has come, then yields so answers are read.
  let n = 0;
  while (n < total) {
    const now = performance.now();
    while (n < total && started + (n * 1000) / rps <= now) {
      inFlight.push(send(n, started + (n * 1000) / rps));
      n++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(1, started + (n * 1000) / rps - performance.now()))));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return summarize(latencies, errors, elapsed);
}

/** The environment the app validates at start, with a fresh key and test credentials. */
export function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: "bench-api-secret",
    SHOPIFY_APP_URL: "https://cart-relay.bench",
    SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "warn",
    CART_RELAY_EMBEDDED_WORKER: "false",
    ...extra,
  };
}

/** A migrated SQLite file in a temporary folder. */
export function sqliteDatabase(): { url: string; file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "cart-relay-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const url = `file:${file}`;
  execFileSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
  return { url, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Child {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export function startChild(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  return {
    child,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Resident set size of a process in MiB, from /proc (Linux). */
/** CPU time (user + system) a process has used so far, in microseconds, from /proc (Linux). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
