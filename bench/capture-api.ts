// Capture API throughput and latency: the built app (`npm start`'s
// server.mjs, SQLite, worker off) against a bare node:http server parsing the
// same JSON, in the same run, both warmed up first, with the same bodies and
// the same 32 connections. Capacity is the closed-loop rate; latency is then
// measured open-loop at 50 % and 100 % of it. CPU per request is the server
// process's CPU time over the capacity phase divided by its requests.
//
//   npx tsx bench/capture-api.ts [--seconds 10] [--shops 1000] [--profile]
// Needs build/ (npm run build). `--profile` runs the app under `node
// --cpu-prof` and prints where its CPU went (bench/capture-profile.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { BROWSER_USER_AGENT, checkoutSessionToken } from "../demo/shopify-double";
import { summarizeProfile, type CpuProfile } from "./capture-profile";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
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
  options: { seconds: { type: "string", default: "10" }, shops: { type: "string", default: "1000" }, profile: { type: "boolean", default: false } },
});
const seconds = Number(values.seconds);
const shopCount = Number(values.shops);
if (!existsSync(path.join(ROOT, "build", "server", "index.js"))) {
  process.stderr.write("build/ is missing: run `npm run build` first\n");
  process.exit(2);
}

function captureBody(i: number): string {
  // Three captures per checkout, as the extension sends while the buyer types: one new, two updates.
  // Checkout tokens are unique per phase (startAt differs), shops follow the session token's.
  const checkout = Math.floor(i / 3);
  return JSON.stringify({
    checkoutToken: `bench-${checkout}`,
    occurredAt: new Date().toISOString(),
    email: `buyer${checkout}@example.com`,
    phone: `+91 98${String(10_000_000 + (checkout % 89_999_999)).padStart(8, "0")}`,
    whatsappOptIn: i % 2 === 0,
    emailMarketing: false,
    shippingAddress: { firstName: "Asha", lastName: "Rao", address1: "12 MG Road", city: "Pune", province: "Maharashtra", zip: "411001", countryCode: "IN" },
    lines: [
      {
        variantId: "45515259445425",
        productId: "8181897822385",
        title: "Jordans",
        variantTitle: "UK 9",
        sku: "JOR-9",
        quantity: 2,
        unitPrice: 500,
        linePrice: 1000,
        originalLinePrice: 1000,
      },
      { variantId: "45515259445426", productId: "8181897822386", title: "Socks", quantity: 1, unitPrice: 100, linePrice: 100, originalLinePrice: 100 },
    ],
    currency: "INR",
    subtotal: 1100,
    total: 1100,
    totalDiscount: 0,
    discountCodes: [],
    utm: { source: "instagram", campaign: "diwali" },
    locale: "en-IN",
  });
}

/** One capture per shop first: shops are installed before their buyers arrive, and a shop's first capture creates it. */
async function primeShops(origin: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let c = next++; c < shopCount; c = next++) {
        const response = await fetch(`${origin}${target.path}`, {
          method: "POST",
          headers: target.headers(3 * c),
          body: JSON.stringify({ checkoutToken: `prime-${c}` }),
        });
        if (!response.ok) throw new Error(`priming shop ${c}: ${response.status} ${await response.text()}`);
      }
    }),
  );
}

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

const app = { apiKey: "bench-api-key", apiSecret: "bench-api-secret" };
const shops = Array.from({ length: shopCount }, (_, i) => `bench-${i}.myshopify.com`);
// A session token per checkout (one buyer each), cycled through a pool; checkout c belongs to shop c % shops.
// Spread so the budgets per shop (10/s) and per session (3/s) are not what is measured.
const TOKEN_POOL = shopCount * 20;
let tokens: string[] = [];
// Shopify's tokens live five minutes, and the app refuses longer ones: minted just before each server is measured.
const mintTokens = async () => {
  tokens = await Promise.all(Array.from({ length: TOKEN_POOL }, (_, c) => checkoutSessionToken(app, shops[c % shopCount], { expiresIn: 300 })));
};
const target: Omit<Target, "origin"> = {
  path: "/api/capture",
  headers: (i) => ({
    "content-type": "application/json",
    "user-agent": BROWSER_USER_AGENT,
    origin: "https://extensions.shopifycdn.com",
    authorization: `Bearer ${tokens[Math.floor(i / 3) % TOKEN_POOL]}`,
  }),
  body: (i) => captureBody(i),
};

process.stdout.write(`# Capture API benchmark\n${machine()}\n\n`);
const database = sqliteDatabase();
const results = [];
let profile: string | null = null;
try {
  const barePort = await freeLoopbackPort();
  const bare = startChild([path.join(ROOT, "bench", "bare-json-server.mjs")], { ...process.env, PORT: String(barePort) });
  const bareOrigin = `http://127.0.0.1:${barePort}`;
  await until("the bare server", async () => (await fetch(bareOrigin, { method: "POST", body: "{}" }).catch(() => null))?.ok === true, 10_000);
  await mintTokens();
  results.push(await measure("bare node:http + JSON.parse (ceiling)", bareOrigin, { ...target, origin: bareOrigin }, bare.child.pid!));
  await bare.stop();

  const appPort = await freeLoopbackPort();
  const profileDir = values.profile ? mkdtempSync(path.join(tmpdir(), "cart-relay-profile-")) : null;
  const server = startChild(
    [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "server.mjs"],
    appEnv({ PORT: String(appPort), DATABASE_URL: database.url }),
  );
  const appOrigin = `http://127.0.0.1:${appPort}`;
  await until("the app server", async () => (await fetch(`${appOrigin}/healthz`).catch(() => null))?.ok === true, 60_000, 200);
  await mintTokens();
  results.push(await measure("Cart Relay POST /api/capture (SQLite)", appOrigin, { ...target, origin: appOrigin }, server.child.pid!));
  await server.stop();
  if (profileDir) {
    const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
    if (file) profile = summarizeProfile(JSON.parse(readFileSync(path.join(profileDir, file), "utf8")) as CpuProfile);
    rmSync(profileDir, { recursive: true, force: true });
  }
} finally {
  database.remove();
}

const [bare, capture] = results;
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
process.stdout.write(`\n\nratio (Cart Relay capacity / bare ceiling): ${(capture.capacity.rps / bare.capacity.rps).toFixed(3)}\n`);
process.stdout.write(`load generator, servers and database share the same ${(await import("node:os")).cpus().length} CPUs; ${seconds} s per phase\n`);
if (profile) process.stdout.write(`\n## Profile of the app server (whole run: priming, warm-up and every phase)\n\n${profile}\n`);
