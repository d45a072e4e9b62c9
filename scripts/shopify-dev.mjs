// What `shopify app dev` runs for the web (shopify.web.toml): the Remix dev
// server and the detector/delivery worker side by side, so checkouts captured
// in development are detected and delivered as in production. Stops both when
// either stops or on Ctrl+C.
//
// Shopify CLI hands the app its tunnel URL as APP_URL (and HOST), not as
// SHOPIFY_APP_URL; it also sets SHOPIFY_API_KEY, SHOPIFY_API_SECRET and
// SCOPES. Everything else (ENCRYPTION_KEY, DATABASE_URL, ...) comes from .env,
// written here on first run if missing (npm run env:local).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

if (!existsSync(path.join(root, ".env"))) {
  const wrote = spawnSync(process.execPath, [path.join(root, "scripts/local-env.mjs")], { cwd: root, stdio: "inherit" });
  if (wrote.status !== 0) process.exit(wrote.status ?? 1);
}

const tunnel = process.env.APP_URL ?? process.env.HOST;
const env = { ...process.env, ...(tunnel ? { SHOPIFY_APP_URL: tunnel } : {}) };
// Remix's dev server reads HOST as the interface to listen on; the CLI means the public URL.
delete env.HOST;

const children = [
  { name: "web", child: spawn(bin("remix"), ["vite:dev"], { cwd: root, env, stdio: "inherit" }) },
  // A separate process, as `npm run worker` runs in production.
  { name: "worker", child: spawn(process.execPath, ["--import", "tsx", "app/worker.ts"], { cwd: root, env, stdio: "inherit" }) },
];

let stopping = false;
function stopAll(signal) {
  stopping = true;
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
for (const { name, child } of children) {
  child.on("exit", (code, signal) => {
    if (!stopping) {
      process.stderr.write(`cart-relay dev: the ${name} process stopped (${signal ?? `exit ${code}`}); stopping the rest\n`);
      process.exitCode = code ?? 1;
      stopAll("SIGTERM");
    }
    if (children.every(({ child: c }) => c.exitCode !== null || c.signalCode !== null)) process.exit(process.exitCode ?? 0);
  });
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(signal));
