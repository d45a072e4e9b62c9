import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freeLoopbackPort as freePort } from "../scripts/throwaway-servers";

export { freePort };

export interface AppServer {
  url: string;
  pid: number;
  output: () => string;
  stop: () => Promise<number | null>;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app server exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`app server did not become healthy:\n${output()}`);
}

/** Starts the built app (`npm start`'s server.mjs) on a free loopback port with this test file's database. */
export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  if (!existsSync(path.resolve("build/server/index.js"))) throw new Error("build/ is missing: run `npm run build` first (npm test does)");
  const port = await freePort();
  let log = "";
  const child = spawn(process.execPath, ["server.mjs"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), LOG_LEVEL: "info", CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => log);
  return {
    url,
    pid: child.pid!,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
