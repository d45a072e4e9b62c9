// `npm run demo`: Cart Relay doing its whole job on this machine. A fresh
// SQLite database, the real server with its embedded worker, a store that
// plays Shopify against it and a BSP inbox that verifies what arrives.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Inbox } from "./inbox";
import { adminHost, adminSessionToken } from "./shopify-double";
import { planBuyers, seededRandom, StoreSimulator, type Buyer } from "./store-simulator";
import { formatSummary, type DemoSummary } from "./summary";

const USAGE = `Usage: npm run demo -- [options]
  --checkouts N          checkouts to play (default 20)
  --abandon-after S      seconds of idle time before a checkout is abandoned (default 4)
  --failure-rate R       share of deliveries the inbox answers with 503, 0-0.9 (default 0.25)
  --endpoint URL         forward to your own receiver instead of the built-in inbox
  --secret S             the secret your receiver verifies with (with --endpoint)
  --standard-webhooks    also send Standard Webhooks headers
  --port P               app port (default 3000)
  --seed N               buyers' random seed (default 7)
  --database FILE        SQLite file for the demo (default prisma/demo.sqlite; recreated on every run)
  --json                 print the summary as one JSON line at the end
  --exit                 stop when the summary is printed instead of serving the dashboard`;

interface DemoOptions {
  checkouts: number;
  abandonAfterSeconds: number;
  failureRate: number;
  endpoint: string | null;
  secret: string | null;
  standardWebhooks: boolean;
  port: number;
  seed: number;
  exit: boolean;
  quiet: boolean;
  database: string | null;
  json: boolean;
}

class UsageError extends Error {}

function number(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return parsed;
}

export function parseDemoArgs(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkouts: { type: "string" }, "abandon-after": { type: "string" }, "failure-rate": { type: "string" },
      endpoint: { type: "string" }, secret: { type: "string" }, "standard-webhooks": { type: "boolean" },
      port: { type: "string" }, seed: { type: "string" }, exit: { type: "boolean" }, quiet: { type: "boolean" }, help: { type: "boolean" },
      database: { type: "string" }, json: { type: "boolean" },
    },
  });
  if (values.help) throw new UsageError("");
  if (values.endpoint && !values.secret) throw new UsageError("--endpoint needs --secret, the secret your receiver verifies signatures with");
  if (values.secret && !values.endpoint) throw new UsageError("--secret only goes with --endpoint");
  return {
    checkouts: Math.round(number(values.checkouts, "checkouts", 20, 1, 500)),
    abandonAfterSeconds: Math.round(number(values["abandon-after"], "abandon-after", 4, 1, 600)),
    failureRate: number(values["failure-rate"], "failure-rate", 0.25, 0, 0.9),
    endpoint: values.endpoint ?? null,
    secret: values.secret ?? null,
    standardWebhooks: values["standard-webhooks"] ?? false,
    port: Math.round(number(values.port, "port", 3000, 1, 65535)),
    seed: Math.round(number(values.seed, "seed", 7, 0, 2 ** 31)),
    exit: values.exit ?? false,
    quiet: values.quiet ?? false,
    database: values.database ?? null,
    json: values.json ?? false,
  };
}

/** The demo's own credentials and database: nothing of a real deployment is touched. */
function demoEnvironment(options: DemoOptions, root: string): Record<string, string> {
  return {
    NODE_ENV: "development",
    SHOPIFY_API_KEY: `demo-${randomBytes(6).toString("hex")}`,
    SHOPIFY_API_SECRET: randomBytes(24).toString("base64url"),
    SHOPIFY_APP_URL: `http://localhost:${options.port}`,
    SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: `file:${path.resolve(root, options.database ?? path.join("prisma", "demo.sqlite"))}`,
    PORT: String(options.port),
    LOG_LEVEL: "warn",
    // The documented development settings: loopback receivers, and a policy minute of one second.
    CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "true",
    CART_RELAY_TIME_SCALE: "60",
    CART_RELAY_EMBEDDED_WORKER: "true",
    REDIS_URL: "",
  };
}

function prepareDatabase(env: Record<string, string>, root: string) {
  const file = env.DATABASE_URL!.slice("file:".length);
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: "pipe",
  });
}

async function startServer(env: Record<string, string>, root: string): Promise<ChildProcess> {
  if (!existsSync(path.join(root, "build/server/index.js"))) throw new Error("build/ is missing: run `npm run build` (npm run demo does)");
  const child = spawn(process.execPath, [path.join(root, "server.mjs")], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
  const url = `${env.SHOPIFY_APP_URL}/healthz`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the app server exited with ${child.exitCode} (is port ${env.PORT} free? try --port)`);
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("the app server did not start within 30 s");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

export interface DemoRun {
  summary: DemoSummary;
  inbox: Inbox | null;
  dashboardUrl: string;
  stop: () => Promise<void>;
}

export async function runDemo(options: DemoOptions, root = process.cwd()): Promise<DemoRun> {
  const print = options.quiet ? () => {} : (line: string) => console.log(line);
  const env = demoEnvironment(options, root);
  Object.assign(process.env, env);
  prepareDatabase(env, root);

  // The app's modules read the environment when they load, so they come in after it is set.
  const { default: prisma } = await import("../app/db.server");
  const { ensureShop } = await import("../app/models/shop.server");
  const { createEndpoint } = await import("../app/models/endpoint.server");
  const { endpointInputSchema } = await import("../app/endpoints/endpoint-input");
  const { readSummary } = await import("./summary.server");

  const shopDomain = "demo-store.myshopify.com";
  const shop = await prisma.shop.update({
    where: { id: (await ensureShop(shopDomain, { scopes: env.SCOPES })).id },
    data: { name: "Demo Store", currency: "INR", countryCode: "IN", timezone: "Asia/Kolkata", abandonAfterMinutes: options.abandonAfterSeconds },
  });
  // The offline session Shopify's OAuth would have stored; it lets the dashboard open.
  await prisma.session.create({
    data: { id: `offline_${shopDomain}`, shop: shopDomain, state: "", isOnline: false, scope: env.SCOPES, accessToken: "shpat_demo_local_only" },
  });

  const random = seededRandom(options.seed);
  let inbox: Inbox | null = null;
  let url = options.endpoint;
  let secret = options.secret;
  if (!url) {
    secret = (await import("../app/delivery/endpoint-secret")).generateEndpointSecret();
    inbox = new Inbox({ secret, failureRate: options.failureRate, random, standardWebhooks: options.standardWebhooks, print });
    url = await inbox.start();
  }
  const input = endpointInputSchema({ allowLoopback: true }).parse({
    name: inbox ? "Demo BSP inbox" : "Your receiver",
    url,
    standardWebhooks: options.standardWebhooks,
    retryPolicy: { mode: "fixed", intervalsMinutes: [1, 2, 4], maxRetries: 3 },
  });
  await createEndpoint(shop, input, new Date(), { secret: secret! });

  print(`Cart Relay demo: ${options.checkouts} checkouts on ${shopDomain}, abandoned after ${options.abandonAfterSeconds} s idle`);
  print(`  BSP: ${url}${inbox ? ` (built-in inbox, failing ${Math.round(options.failureRate * 100)} % of requests on purpose)` : ""}`);
  const server = await startServer(env, root);
  const store = new StoreSimulator(env.SHOPIFY_APP_URL!, { apiKey: env.SHOPIFY_API_KEY!, apiSecret: env.SHOPIFY_API_SECRET! }, shopDomain, shop.pixelKey);
  const stop = async () => {
    server.kill("SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once("exit", resolve)));
    await inbox?.stop();
    await prisma.$disconnect();
  };

  try {
    const buyers = planBuyers(options.checkouts, random);
    let orders = 0;
    for (const buyer of buyers) {
      await store.fillCheckout(buyer);
      if (buyer.outcome === "buys") await store.placeOrder(buyer, ++orders, null);
    }
    print(`  store: ${buyers.length} buyers filled checkouts; waiting for abandonment, deliveries and returns...`);

    const tokenOf = new Map(buyers.map((b) => [b.token, b]));
    const returned = new Set<string>();
    const waitsForMessage = (b: Buyer) => b.outcome === "leaves" || b.outcome === "returns" || b.outcome === "phone-only";
    const timeoutMs = 60_000 + options.abandonAfterSeconds * 2000;
    await waitFor(async () => {
      // Read "unsettled" first: a delivery that succeeds after this count keeps the loop going.
      const unsettled = await prisma.delivery.count({ where: { shopId: shop.id, status: { in: ["pending", "in_flight"] } } });
      const abandoned = new Set(
        (await prisma.checkout.findMany({ where: { shopId: shop.id, abandonedAt: { not: null } }, select: { token: true } })).map((c) => c.token),
      );
      const delivered = await prisma.delivery.findMany({
        where: { shopId: shop.id, topic: "abandonedCheckout", status: "succeeded" },
        select: { body: true, event: { select: { checkout: { select: { token: true } } } } },
      });
      let placed = 0;
      for (const delivery of delivered) {
        const buyer = tokenOf.get(delivery.event.checkout?.token ?? "");
        if (buyer?.outcome !== "returns" || returned.has(buyer.token)) continue;
        returned.add(buyer.token);
        // The buyer taps the link in their WhatsApp message and pays.
        await store.placeOrder(buyer, ++orders, JSON.parse(delivery.body).abandonedCheckoutUrl);
        placed++;
      }
      return placed === 0 && unsettled === 0 && buyers.filter(waitsForMessage).every((b) => abandoned.has(b.token));
    }, timeoutMs, "the pipe to settle");

    const summary = await readSummary(shop.id, inbox);
    const token = await adminSessionToken({ apiKey: env.SHOPIFY_API_KEY!, apiSecret: env.SHOPIFY_API_SECRET! }, shopDomain, { expiresIn: 3600 });
    const dashboardUrl = `${env.SHOPIFY_APP_URL}/app?embedded=1&shop=${shopDomain}&host=${adminHost(shopDomain)}&id_token=${token}`;
    print(formatSummary(summary));
    print(`\nDashboard (local admin session, valid 1 hour):\n  ${dashboardUrl}`);
    if (options.json) console.log(JSON.stringify({ summary, dashboardUrl }));
    return { summary, inbox, dashboardUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main() {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(error.message);
    console.error(USAGE);
    process.exit(error.message ? 2 : 0);
  }
  const run = await runDemo(options);
  if (options.exit) {
    await run.stop();
    return;
  }
  console.log("\nThe app keeps running for the dashboard. Press Ctrl+C to stop.");
  const shutdown = async () => {
    await run.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
