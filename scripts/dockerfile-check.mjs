// `node scripts/dockerfile-check.mjs`: runs the Dockerfile's steps without a
// Docker engine, for CI machines that have none. Each stage gets a scratch
// folder standing in for its filesystem; FROM <stage>, WORKDIR, ENV, COPY
// (also --from) and RUN run as written, on this machine's Node (the one on
// PATH, which CI installs as the image's major). Not run: apt-get (system
// packages; the checker has its own) and chown (there is no `node` user here).
// The image's paths /app and /data map into the scratch folder. Then it starts
// ENTRYPOINT + CMD (the web server) and the worker command as the image would,
// and requires /healthz and /readyz to answer 200 from both.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const scratch = mkdtempSync(path.join(tmpdir(), "cart-relay-image-"));
const log = (line) => process.stdout.write(`dockerfile-check: ${line}\n`);

// The build context: the committed tree (what a clean clone holds), less .dockerignore.
const context = path.join(scratch, "context");
mkdirSync(context);
execFileSync("sh", ["-c", `git -C "${root}" archive --format=tar HEAD | tar -x -C "${context}"`]);
for (const pattern of readFileSync(path.join(root, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())) {
  if (pattern && !pattern.startsWith("#") && !pattern.startsWith("!") && !pattern.includes("*"))
    rmSync(path.join(context, pattern), { recursive: true, force: true });
}

// chown needs the image's `node` user, which this machine lacks.
const shims = path.join(scratch, "shims");
mkdirSync(shims);
for (const name of ["chown"]) {
  writeFileSync(path.join(shims, name), `#!/bin/sh\necho "dockerfile-check: skipped: ${name} $*"\n`);
  chmodSync(path.join(shims, name), 0o755);
}

/** Dockerfile instructions with continuation lines joined. */
function instructions(text) {
  const joined = text.replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [, keyword, rest] = /^(\S+)\s+(.*)$/.exec(line);
      return { keyword: keyword.toUpperCase(), rest };
    });
}

const stages = new Map();
let stage;
const imagePath = (p, where = stage) => (p.startsWith("/") ? path.join(where.root, p) : path.join(where.root, where.workdir, p));
const mapPaths = (text) => text.replace(/(^|[\s=:])\/(app|data)(?=[/\s"]|$)/g, (_m, before, dir) => `${before}${path.join(stage.root, dir)}`);
let entrypoint = [];
let cmd = [];

for (const { keyword, rest } of instructions(readFileSync(path.join(root, "Dockerfile"), "utf8"))) {
  if (keyword === "FROM") {
    const [image, , name] = rest.split(/\s+/);
    const parent = stages.get(image);
    stage = { name, root: path.join(scratch, "stages", name), workdir: "/", env: { ...(parent?.env ?? {}) } };
    mkdirSync(stage.root, { recursive: true });
    if (parent) {
      cpSync(parent.root, stage.root, { recursive: true, verbatimSymlinks: true });
      stage.workdir = parent.workdir;
    }
    stages.set(name, stage);
    log(`stage ${name} (${parent ? `from ${image}` : `${image}, as this machine's Node ${process.version}`})`);
  } else if (keyword === "WORKDIR") {
    stage.workdir = rest;
    mkdirSync(imagePath(rest), { recursive: true });
  } else if (keyword === "ENV") {
    for (const [, key, value] of rest.matchAll(/(\w+)=(\S+)/g)) stage.env[key] = mapPaths(value);
  } else if (keyword === "COPY") {
    const words = rest.split(/\s+/);
    const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
    const [dest, ...sources] = words.filter((word) => !word.startsWith("--")).reverse();
    for (const source of sources.reverse()) {
      const src = from ? imagePath(source, stages.get(from)) : path.join(context, source);
      const target = dest.endsWith("/") || sources.length > 1 || dest === "./" ? path.join(imagePath(dest), path.basename(src)) : imagePath(dest);
      mkdirSync(path.dirname(target), { recursive: true });
      if (source === ".") cpSync(src, imagePath(dest), { recursive: true, verbatimSymlinks: true });
      else cpSync(src, target, { recursive: true, verbatimSymlinks: true });
    }
  } else if (keyword === "RUN" && /^apt-get\b/.test(rest)) {
    // System packages for the image; this machine brings its own (the whole step is skipped, cleanup included).
    log(`[${stage.name}] skipped: RUN ${rest}`);
  } else if (keyword === "RUN") {
    log(`[${stage.name}] RUN ${rest}`);
    execFileSync("sh", ["-c", mapPaths(rest)], {
      cwd: imagePath(stage.workdir),
      env: { ...process.env, ...stage.env, PATH: `${shims}:${process.env.PATH}` },
      stdio: "inherit",
    });
  } else if (keyword === "ENTRYPOINT") {
    entrypoint = JSON.parse(rest);
  } else if (keyword === "CMD") {
    cmd = JSON.parse(rest);
  }
}

const runtime = stage;
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Starts a command in the final stage as the image would, checks its health URLs, stops it with SIGTERM. */
async function startAndProbe(label, command, env, healthUrl) {
  log(`start ${label}: ${command.join(" ")}`);
  let output = "";
  const child = spawn(command[0], command.slice(1), { cwd: imagePath(runtime.workdir, runtime), env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let failure;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}:\n${output}`);
      if (i > 600) throw new Error(`${label} never answered ${healthUrl}/healthz:\n${output}`);
      const live = await fetch(`${healthUrl}/healthz`).catch(() => null);
      if (live?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ready = await fetch(`${healthUrl}/readyz`);
    const body = await ready.text();
    if (ready.status !== 200) throw new Error(`${label} /readyz answered ${ready.status} ${body}:\n${output}`);
    log(`${label}: /healthz 200, /readyz 200 ${body}`);
  } catch (error) {
    failure = error;
  }
  const running = child.exitCode === null && child.signalCode === null;
  const code = running
    ? await new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      })
    : child.exitCode;
  if (failure) throw failure;
  if (code !== 0) throw new Error(`${label} exited with ${code} on SIGTERM:\n${output}`);
}

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? scratch,
  ...runtime.env,
  SHOPIFY_API_KEY: "image-check",
  SHOPIFY_API_SECRET: randomBytes(24).toString("base64url"),
  SHOPIFY_APP_URL: "https://cart-relay.image-check.test",
  SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events",
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};
if (!existsSync(imagePath("build/server/index.js", runtime))) throw new Error("the final stage has no build/server/index.js");
const webPort = await freePort();
await startAndProbe("web", [...entrypoint, ...cmd], { ...env, PORT: String(webPort) }, `http://127.0.0.1:${webPort}`);
const workerPort = await freePort();
await startAndProbe(
  "worker",
  [...entrypoint, "node", "--import", "tsx", "app/worker.ts"],
  { ...env, CART_RELAY_WORKER_HEALTH_PORT: String(workerPort) },
  `http://127.0.0.1:${workerPort}`,
);
rmSync(scratch, { recursive: true, force: true });
log("ok: the Dockerfile's steps build and its commands start and answer /healthz and /readyz");
