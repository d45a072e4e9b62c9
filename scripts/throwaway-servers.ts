// Throwaway PostgreSQL and Redis servers on free loopback ports, for tests,
// benchmarks and CI's scale-mode run. Data lives in a temporary folder that is
// removed on stop; nothing listens beyond 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, createConnection } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

export const POSTGRES_BIN = process.env.CART_RELAY_POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

export class ServerStartError extends Error {
  override name = "ServerStartError";
  constructor(
    readonly kind: "missing_binary" | "init_failed" | "not_ready",
    message: string,
  ) {
    super(message);
  }
}

export interface ThrowawayServer {
  url: string;
  port: number;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

export interface ThrowawayRedis extends ThrowawayServer {
  /** Kills the server (SIGKILL) and starts an empty one on the same port: every job is lost. */
  restart(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, child: ChildProcess, output: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new ServerStartError("not_ready", `${what} exited with ${child.exitCode}:\n${output()}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new ServerStartError("not_ready", `${what} did not accept connections within ${timeoutMs} ms:\n${output()}`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

function collect(child: ChildProcess): () => string {
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return () => log;
}

/** Postgres refuses to run as root; as root we run it as the `postgres` system user. */
function postgresIdentity(): { uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || uid <= 0) throw new ServerStartError("init_failed", "running as root and there is no `postgres` user to run PostgreSQL as");
  return { uid, gid };
}

/**
 * A fresh PostgreSQL cluster (trust auth on loopback, durability off: it is
 * thrown away). The URL names the `postgres` database as the `postgres` user.
 */
export async function startPostgres({ maxConnections = 300 }: { maxConnections?: number } = {}): Promise<ThrowawayServer> {
  const initdb = path.join(POSTGRES_BIN, "initdb");
  if (!existsSync(initdb)) throw new ServerStartError("missing_binary", `${initdb} not found (apt-get install -y postgresql, or set CART_RELAY_POSTGRES_BIN)`);
  const identity = postgresIdentity();
  const dir = mkdtempSync(path.join(tmpdir(), "cart-relay-pg-"));
  if (identity) chownSync(dir, identity.uid, identity.gid);
  const dataDir = path.join(dir, "data");
  const init = spawnSync(initdb, ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], {
    encoding: "utf8",
    ...(identity ?? {}),
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new ServerStartError("init_failed", `initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freeLoopbackPort();
  const child = spawn(
    path.join(POSTGRES_BIN, "postgres"),
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `max_connections=${maxConnections}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    { stdio: ["ignore", "pipe", "pipe"], ...(identity ?? {}) },
  );
  const output = collect(child);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await stopChild(child, "SIGINT"); // fast shutdown: disconnects clients, no checkpoint wait
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        const ready = spawnSync(path.join(POSTGRES_BIN, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres"]);
        return ready.status === 0;
      },
      "postgres",
      child,
      output,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}

/** An empty Redis with persistence off, so a restart loses every key. */
export async function startRedis(): Promise<ThrowawayRedis> {
  const binary = process.env.CART_RELAY_REDIS_SERVER ?? "redis-server";
  const found = spawnSync(binary, ["--version"]);
  if (found.error || found.status !== 0) throw new ServerStartError("missing_binary", `${binary} not found (apt-get install -y redis-server)`);
  const dir = mkdtempSync(path.join(tmpdir(), "cart-relay-redis-"));
  const port = await freeLoopbackPort();
  let child: ChildProcess;
  let output: () => string;
  const launch = async () => {
    child = spawn(
      binary,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "no",
        // BullMQ requires that Redis never evicts its keys.
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    output = collect(child);
    await waitUntil(() => canConnect(port), "redis-server", child, output);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await stopChild(child, "SIGKILL");
      await launch();
    },
    async stop() {
      await stopChild(child, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
