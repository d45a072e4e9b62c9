// Liveness and readiness: /healthz and /readyz of the built server, and the
// health listener of `npm run worker` processes, each against a database that
// holds the schema and one that does not.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { workerHealthPort } from "../app/worker-health.server";
import { freePort, startAppServer, type AppServer } from "./app-server";

// A database file with no tables: reachable, but migrations never ran.
const emptyDatabase = () => `file:${path.join(mkdtempSync(path.join(tmpdir(), "cart-relay-empty-")), "empty.sqlite")}`;

let server: AppServer | undefined;
let worker: ChildProcess | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker!.once("exit", resolve));
    worker.kill("SIGKILL");
    await exited;
  }
  worker = undefined;
});

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Starts `app/worker.ts` with its health listener and waits until /healthz answers; bounded, never timed. */
async function startWorker(env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const port = await freePort();
  let log = "";
  worker = spawn(process.execPath, ["--import", "tsx", "app/worker.ts"], {
    env: { ...process.env, LOG_LEVEL: "info", CART_RELAY_WORKER_HEALTH_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (chunk) => (log += chunk));
  worker.stderr!.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (worker.exitCode !== null) throw new Error(`worker exited with ${worker.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, output: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`worker health never answered:\n${log}`);
}

describe("web process", () => {
  it("is live and ready on a migrated database", async () => {
    server = await startAppServer();
    expect(await getJson(`${server.url}/healthz`)).toEqual({ status: 200, body: { ok: true } });
    expect(await getJson(`${server.url}/readyz`)).toEqual({ status: 200, body: { ok: true, database: "ok" } });
  });

  it("is live but not ready when the database lacks the schema", async () => {
    server = await startAppServer({ DATABASE_URL: emptyDatabase(), CART_RELAY_EMBEDDED_WORKER: "false" });
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
    const ready = await getJson(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ok: false, database: "unreachable" });
    expect(String(ready.body.error)).toContain("Shop");
  });
});

describe("worker process", () => {
  it("answers /healthz and /readyz while it runs, and stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    const { url, output } = await startWorker({});
    expect(await getJson(`${url}/healthz`)).toEqual({ status: 200, body: { ok: true, role: "worker" } });
    expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: { ok: true, database: "ok", role: "worker" } });
    const exited = new Promise<number | null>((resolve) => worker!.once("exit", resolve));
    worker!.kill("SIGTERM");
    expect(await exited, output()).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("is not ready when the database lacks the schema", { timeout: 60_000 }, async () => {
    const { url } = await startWorker({ DATABASE_URL: emptyDatabase() });
    const ready = await getJson(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ok: false, database: "unreachable", role: "worker" });
  });
});

describe("CART_RELAY_WORKER_HEALTH_PORT", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["9100", 9100],
  ])("%j -> %j", (value, port) => {
    expect(workerHealthPort(value)).toBe(port);
  });

  it.each(["0", "65536", "http", "91.5"])("refuses %j, naming the variable", (value) => {
    expect(() => workerHealthPort(value)).toThrow(`CART_RELAY_WORKER_HEALTH_PORT must be a port number from 1 to 65535 (got "${value}")`);
  });
});
