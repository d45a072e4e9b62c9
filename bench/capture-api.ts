// Capture API throughput and latency: the built app (`npm start`'s
// server.mjs, SQLite, worker off) against a bare node:http server parsing the
// same JSON, in the same run. Capacity is the closed-loop rate with 32
// clients; latency is then measured open-loop at 50 % and 100 % of it.
//
//   npx tsx bench/capture-api.ts [--seconds 10] [--shops 500]
// Needs build/ (npm run build).
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BROWSER_USER_AGENT, checkoutSessionToken } from "../demo/shopify-double";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { appEnv, closedLoop, loadNow, machine, ms, openLoop, ROOT, sqliteDatabase, startChild, table, until, type LoadResult, type Target } from "./lib";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, shops: { type: "string", default: "500" } } });
const seconds = Number(values.seconds);
const shopCount = Number(values.shops);
if (!existsSync(path.join(ROOT, "build", "server", "index.js"))) {
  process.stderr.write("build/ is missing: run `npm run build` first\n");
  process.exit(2);
}

function captureBody(i: number): string {
  // Three captures per checkout, as the extension sends while the buyer types: one new, two updates.
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
      { variantId: "45515259445425", productId: "8181897822385", title: "Jordans", variantTitle: "UK 9", sku: "JOR-9", quantity: 2, unitPrice: 500, linePrice: 1000, originalLinePrice: 1000 },
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

async function measure(name: string, origin: string, target: Target): Promise<{ name: string; capacity: LoadResult; half: LoadResult; full: LoadResult; load: string }> {
  await closedLoop({ ...target, origin }, { concurrency: 8, seconds: 3, startAt: 10_000_000 }); // warm-up
  const capacity = await closedLoop({ ...target, origin }, { concurrency: 32, seconds, startAt: 0 });
  const half = await openLoop({ ...target, origin }, { rps: capacity.rps * 0.5, seconds, startAt: 20_000_000 });
  const full = await openLoop({ ...target, origin }, { rps: capacity.rps, seconds, startAt: 30_000_000 });
  return { name, capacity, half, full, load: loadNow() };
}

const app = { apiKey: "bench-api-key", apiSecret: "bench-api-secret" };
const shops = Array.from({ length: shopCount }, (_, i) => `bench-${i}.myshopify.com`);
const tokens = await Promise.all(shops.map((shop) => checkoutSessionToken(app, shop, { expiresIn: 3600 })));
const target: Omit<Target, "origin"> = {
  path: "/api/capture",
  // Spread over many shops: the per-shop rate limit (10/s sustained) is not what is measured.
  headers: (i) => ({
    "content-type": "application/json",
    "user-agent": BROWSER_USER_AGENT,
    origin: "https://extensions.shopifycdn.com",
    authorization: `Bearer ${tokens[Math.floor(i / 3) % shopCount]}`,
  }),
  body: captureBody,
};

process.stdout.write(`# Capture API benchmark\n${machine()}\n\n`);
const database = sqliteDatabase();
const results = [];
try {
  const barePort = await freeLoopbackPort();
  const bare = startChild([path.join(ROOT, "bench", "bare-json-server.mjs")], { ...process.env, PORT: String(barePort) });
  const bareOrigin = `http://127.0.0.1:${barePort}`;
  await until("the bare server", async () => (await fetch(bareOrigin, { method: "POST", body: "{}" }).catch(() => null))?.ok === true, 10_000);
  results.push(await measure("bare node:http + JSON.parse (ceiling)", bareOrigin, { ...target, origin: bareOrigin }));
  await bare.stop();

  const appPort = await freeLoopbackPort();
  const server = startChild(["server.mjs"], appEnv({ PORT: String(appPort), DATABASE_URL: database.url }));
  const appOrigin = `http://127.0.0.1:${appPort}`;
  await until("the app server", async () => (await fetch(`${appOrigin}/healthz`).catch(() => null))?.ok === true, 60_000, 200);
  results.push(await measure("Cart Relay POST /api/capture (SQLite)", appOrigin, { ...target, origin: appOrigin }));
  await server.stop();
} finally {
  database.remove();
}

const [bare, capture] = results;
process.stdout.write(table(
  ["server", "capacity (req/s, 32 clients)", "at 50 %: req/s, p50, p99", "at 100 %: req/s, p50, p99", "non-200", "load after"],
  results.map((r) => [
    r.name,
    r.capacity.rps.toFixed(0),
    `${r.half.rps.toFixed(0)}, ${ms(r.half.p50)}, ${ms(r.half.p99)}`,
    `${r.full.rps.toFixed(0)}, ${ms(r.full.p50)}, ${ms(r.full.p99)}`,
    String(r.capacity.errors + r.half.errors + r.full.errors),
    r.load,
  ]),
));
process.stdout.write(`\n\nratio (Cart Relay capacity / bare ceiling): ${(capture!.capacity.rps / bare!.capacity.rps).toFixed(3)}\n`);
process.stdout.write(`load generator, servers and database share the same ${(await import("node:os")).cpus().length} CPUs; ${seconds} s per phase\n`);
