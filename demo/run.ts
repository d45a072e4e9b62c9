// `npm run demo`: Cart Relay doing its whole job on this machine. A fresh
// SQLite database, the real server with its embedded worker, a store that
// plays Shopify against it and a BSP inbox that verifies what arrives.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { holdoutPosition } from "../app/abandonment/holdout";
import { EndpointSecretError, standardWebhooksKey } from "../app/events/endpoint-secret";
import { freeLoopbackPort } from "../scripts/throwaway-servers";
import { FRONT_DOOR_HOST, openFrontDoor, PortInUseError, type FrontDoor } from "./admin-front-door";
import { Inbox } from "./inbox";
import { startShopifyAdminServer } from "./shopify-admin-server";
import { adminHost, adminSessionToken } from "./shopify-double";
import { planBuyers, seededRandom, StoreSimulator, type Buyer, type ShippingAddress } from "./store-simulator";
import { formatSummary, type DemoSummary } from "./summary";

const USAGE = `Usage: npm run demo -- [options]
  --checkouts N          checkouts to play (default 20)
  --abandon-after S      seconds of idle time before a checkout is abandoned (default 4;
                         the demo runs policy minutes as seconds, decision 006)
  --failure-rate R       share of deliveries the inbox answers with 503, 0-0.9 (default 0.25)
  --endpoint URL         forward to your own receiver instead of the built-in inbox
  --secret S             the secret your receiver verifies with (with --endpoint); it keys
                         x-webhook-signature as UTF-8 bytes, whatever its form
  --standard-webhooks    also send Standard Webhooks headers (webhook-id, webhook-timestamp,
                         webhook-signature). That spec's key is the base64 after whsec_, so
                         with --endpoint the secret must be whsec_<base64>, such as
                         whsec_$(openssl rand -base64 32)
  --port P               dashboard port on 127.0.0.1 (default 3000; when 3000 is busy the
                         demo picks a free one and says so, a busy --port stops it)
  --seed N               buyers' random seed (default 7)
  --database FILE        SQLite file for the demo (default prisma/demo.sqlite; recreated on every run)
  --json                 print the summary as one JSON line at the end
  --exit                 stop when the summary is printed instead of serving the dashboard
  --build                build the app first, quietly (npm run demo passes it)
  --help                 this text`;

interface DemoOptions {
  checkouts: number;
  abandonAfterSeconds: number;
  failureRate: number;
  endpoint: string | null;
  secret: string | null;
  standardWebhooks: boolean;
  port: number;
  /** False when --port was not given: a busy default port is replaced by a free one. */
  portChosen: boolean;
  build: boolean;
  seed: number;
  exit: boolean;
  quiet: boolean;
  database: string | null;
  json: boolean;
}

export class UsageError extends Error {}

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
      checkouts: { type: "string" },
      "abandon-after": { type: "string" },
      "failure-rate": { type: "string" },
      endpoint: { type: "string" },
      secret: { type: "string" },
      "standard-webhooks": { type: "boolean" },
      port: { type: "string" },
      seed: { type: "string" },
      exit: { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean" },
      database: { type: "string" },
      json: { type: "boolean" },
      build: { type: "boolean" },
    },
  });
  if (values.help) throw new UsageError("");
  if (values.endpoint && !values.secret) throw new UsageError("--endpoint needs --secret, the secret your receiver verifies signatures with");
  if (values.secret && !values.endpoint) throw new UsageError("--secret only goes with --endpoint");
  if (values.secret && values["standard-webhooks"]) {
    try {
      standardWebhooksKey(values.secret);
    } catch (error) {
      if (!(error instanceof EndpointSecretError)) throw error;
      throw new UsageError(
        "--standard-webhooks needs a secret of the form whsec_<base64> (Standard Webhooks decodes the part after whsec_ " +
          "into the signing key); the --secret given is not one. Use the whsec_ secret your receiver has, or drop --standard-webhooks.",
      );
    }
  }
  return {
    checkouts: Math.round(number(values.checkouts, "checkouts", 20, 1, 500)),
    abandonAfterSeconds: Math.round(number(values["abandon-after"], "abandon-after", 4, 1, 600)),
    failureRate: number(values["failure-rate"], "failure-rate", 0.25, 0, 0.9),
    endpoint: values.endpoint ?? null,
    secret: values.secret ?? null,
    standardWebhooks: values["standard-webhooks"] ?? false,
    port: Math.round(number(values.port, "port", 3000, 1, 65535)),
    portChosen: values.port !== undefined,
    build: values.build ?? false,
    seed: Math.round(number(values.seed, "seed", 7, 0, 2 ** 31)),
    exit: values.exit ?? false,
    quiet: values.quiet ?? false,
    database: values.database ?? null,
    json: values.json ?? false,
  };
}

/** The demo's own credentials and database: nothing of a real deployment is touched. */
function demoEnvironment(options: DemoOptions, root: string, appUrl: string, serverPort: number): Record<string, string> {
  return {
    NODE_ENV: "development",
    SHOPIFY_API_KEY: `demo-${randomBytes(6).toString("hex")}`,
    SHOPIFY_API_SECRET: randomBytes(24).toString("base64url"),
    // The browser talks to the front door; the app server behind it is loopback-only too.
    SHOPIFY_APP_URL: appUrl,
    // write_discounts: the demo shop has recovery codes on; write_customers + read_customers: WhatsApp consent
    // sync (Settings asks for each when a merchant turns its feature on).
    SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events,write_discounts,write_customers,read_customers",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: `file:${demoDatabaseFile(options, root)}`,
    PORT: String(serverPort),
    HOST: FRONT_DOOR_HOST,
    LOG_LEVEL: "warn",
    // The documented development settings: loopback receivers, and a policy minute of one second.
    CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "true",
    CART_RELAY_TIME_SCALE: "60",
    CART_RELAY_EMBEDDED_WORKER: "true",
    REDIS_URL: "",
  };
}

export function demoDatabaseFile(options: Pick<DemoOptions, "database">, root: string): string {
  return path.resolve(root, options.database ?? path.join("prisma", "demo.sqlite"));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The demo recreates its database on every run: a lock file beside it keeps a
 * second demo (on another port) from deleting the files of one still running.
 */
export function claimDatabase(file: string): () => void {
  const lock = `${file}.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = Number(readFileSync(lock, "utf8"));
    if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
      throw new Error(`${path.relative(process.cwd(), file)} belongs to a demo still running (pid ${owner}); stop it or pass --database`, { cause: error });
    }
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}

function prepareDatabase(env: Record<string, string>, root: string) {
  const file = env.DATABASE_URL.slice("file:".length);
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: "pipe",
  });
}

async function startServer(env: Record<string, string>, root: string, serverUrl: string): Promise<ChildProcess> {
  if (!existsSync(path.join(root, "build/server/index.js"))) throw new Error("build/ is missing: run `npm run build` (npm run demo does)");
  const redirect = pathToFileURL(path.join(root, "demo/admin-api-redirect.mjs")).href;
  const child = spawn(process.execPath, ["--import", redirect, path.join(root, "server.mjs")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `${serverUrl}/healthz`;
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

const execFileAsync = promisify(execFile);

/** `prisma generate` and the Remix build, their output shown only if they fail. */
async function buildApp(root: string, print: (line: string) => void) {
  const started = Date.now();
  print("Building the app (prisma generate, remix vite:build)...");
  const steps = [
    [path.join(root, "node_modules/prisma/build/index.js"), "generate"],
    [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
  ];
  for (const args of steps) {
    try {
      await execFileAsync(process.execPath, args, { cwd: root, env: { ...process.env, NODE_ENV: "production" }, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`the build failed (${path.basename(args[0])} ${args[1]}):\n${stdout}${stderr}`, { cause: error });
    }
  }
  print(`  built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * The front door on 127.0.0.1, bound before anything is deleted or built. A
 * busy default port is swapped for a free one; a busy --port stops the demo.
 */
export async function claimPort(options: DemoOptions, shop: string, print: (line: string) => void): Promise<FrontDoor> {
  try {
    return await openFrontDoor(options.port, shop);
  } catch (error) {
    if (!(error instanceof PortInUseError) || options.portChosen) throw error;
    const door = await openFrontDoor(0, shop);
    print(`Port ${options.port} is in use, so the dashboard is on port ${door.port} instead (--port P to choose).`);
    return door;
  }
}

export interface DemoRun {
  summary: DemoSummary;
  inbox: Inbox | null;
  /** Null with --exit: nothing serves it once the summary is printed. */
  dashboardUrl: string | null;
  sessionExpiresAt: Date;
  stop: () => Promise<void>;
}

export const DEMO_SHOP = "demo-store.myshopify.com";
const DEMO_SHOP_TIME_ZONE = "Asia/Kolkata";
const DEMO_ACCESS_TOKEN = "shpat_demo_local_only";
/** Where the endpoint's quiet hours may end on the buyer's clock (the shop has them follow the buyer): 07:00, else earlier. */
const QUIET_HOURS_END_MINUTES = [7 * 60, 6 * 60, 5 * 60];
/** The demo's own run time, which must fit inside the night buyer's window and outside the shop's buyers'. */
const DEMO_MARGIN_MINUTES = 15;

/** Buyers abroad, one zone per country or province, a few hours apart so one of them is always in the night. */
const ABROAD: (ShippingAddress & { timeZone: string })[] = [
  { city: "Honolulu", province: "Hawaii", provinceCode: "HI", zip: "96815", country: "United States", countryCode: "US", timeZone: "Pacific/Honolulu" },
  {
    city: "San Francisco",
    province: "California",
    provinceCode: "CA",
    zip: "94103",
    country: "United States",
    countryCode: "US",
    timeZone: "America/Los_Angeles",
  },
  { city: "New York", province: "New York", provinceCode: "NY", zip: "10001", country: "United States", countryCode: "US", timeZone: "America/New_York" },
  { city: "São Paulo", province: "São Paulo", provinceCode: "SP", zip: "01310-100", country: "Brazil", countryCode: "BR", timeZone: "America/Sao_Paulo" },
  { city: "London", province: "", provinceCode: "", zip: "EC1A 1BB", country: "United Kingdom", countryCode: "GB", timeZone: "Europe/London" },
  { city: "Riyadh", province: "", provinceCode: "", zip: "12211", country: "Saudi Arabia", countryCode: "SA", timeZone: "Asia/Riyadh" },
  { city: "Dubai", province: "", provinceCode: "", zip: "00000", country: "United Arab Emirates", countryCode: "AE", timeZone: "Asia/Dubai" },
  { city: "Bangkok", province: "", provinceCode: "", zip: "10110", country: "Thailand", countryCode: "TH", timeZone: "Asia/Bangkok" },
  { city: "Singapore", province: "", provinceCode: "", zip: "018956", country: "Singapore", countryCode: "SG", timeZone: "Asia/Singapore" },
  { city: "Tokyo", province: "", provinceCode: "", zip: "100-0001", country: "Japan", countryCode: "JP", timeZone: "Asia/Tokyo" },
  { city: "Auckland", province: "", provinceCode: "", zip: "1010", country: "New Zealand", countryCode: "NZ", timeZone: "Pacific/Auckland" },
];

function minuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit" }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part("hour") * 60 + part("minute");
}

/**
 * A buyer abroad for whom it is night now, and quiet hours that hold them
 * until morning while the shop's own buyers, in India, are outside them.
 */
export function nightAbroad(now: Date): { address: ShippingAddress & { timeZone: string }; startMinute: number; endMinute: number } | null {
  const home = minuteOfDay(now, DEMO_SHOP_TIME_ZONE);
  const inWindow = (minute: number, start: number, end: number) => (start < end ? minute >= start && minute < end : minute >= start || minute < end);
  for (const end of QUIET_HOURS_END_MINUTES) {
    for (const address of ABROAD) {
      const there = minuteOfDay(now, address.timeZone);
      for (const start of [22 * 60, Math.floor(there / 60) * 60]) {
        const fits = inWindow(there, start, end) && inWindow((there + DEMO_MARGIN_MINUTES) % 1440, start, end);
        const homeOutside = !inWindow(home, start, end) && !inWindow((home + DEMO_MARGIN_MINUTES) % 1440, start, end);
        if (fits && homeOutside) return { address, startMinute: start, endMinute: end };
      }
    }
  }
  return null;
}

/** How long the printed dashboard URL's admin session lasts. */
export const ADMIN_SESSION_SECONDS = 3600;

export async function runDemo(options: DemoOptions, door: FrontDoor, root = process.cwd()): Promise<DemoRun> {
  const print = options.quiet ? () => {} : (line: string) => console.log(line);
  const serverPort = await freeLoopbackPort();
  const serverUrl = `http://${FRONT_DOOR_HOST}:${serverPort}`;
  const env = demoEnvironment(options, root, door.url, serverPort);
  Object.assign(process.env, env);
  prepareDatabase(env, root);

  // The app's modules read the environment when they load, so they come in after it is set.
  const { default: prisma } = await import("../app/db.server");
  const { ensureShop } = await import("../app/shops/shop.server");
  const { createEndpoint } = await import("../app/endpoints/endpoint.server");
  const { endpointInputSchema } = await import("../app/endpoints/endpoint-input");
  const { readSummary } = await import("./summary.server");

  const shopDomain = DEMO_SHOP;
  const shop = await prisma.shop.update({
    where: { id: (await ensureShop(shopDomain, { scopes: env.SCOPES })).id },
    data: {
      name: "Demo Store",
      currency: "INR",
      countryCode: "IN",
      timezone: DEMO_SHOP_TIME_ZONE,
      abandonAfterMinutes: options.abandonAfterSeconds,
      // Issue 17: a 10 % recovery code per abandoned checkout, a fifth held out to measure lift,
      // quiet hours on the buyer's clock; the send guard's recent-order and per-buyer rules keep their defaults.
      recoveryCodesEnabled: true,
      recoveryCodeType: "percentage",
      recoveryCodeValue: "10",
      holdoutPercent: 20,
      quietHoursFollowBuyer: true,
      // Issue 19: buyers' WhatsApp consent goes to their Shopify customer and comes back from it.
      consentSyncEnabled: true,
    },
  });
  // The offline session Shopify's OAuth would have stored; it lets the dashboard open.
  await prisma.session.create({
    data: { id: `offline_${shopDomain}`, shop: shopDomain, state: "", isOnline: false, scope: env.SCOPES, accessToken: DEMO_ACCESS_TOKEN },
  });
  // Shopify's Admin API for the recovery codes, reached by the app server through demo/admin-api-redirect.mjs.
  const shopifyAdmin = await startShopifyAdminServer(shopDomain, { accessToken: DEMO_ACCESS_TOKEN, scopes: env.SCOPES.split(",") });
  process.env.CART_RELAY_DEMO_SHOPIFY_ADMIN = `${shopDomain}=${shopifyAdmin.url}`;

  const random = seededRandom(options.seed);
  const night = nightAbroad(new Date());
  let inbox: Inbox | null = null;
  let url = options.endpoint;
  let secret = options.secret;
  if (!url) {
    secret = (await import("../app/events/endpoint-secret")).generateEndpointSecret();
    inbox = new Inbox({ secret, failureRate: options.failureRate, random, standardWebhooks: options.standardWebhooks, print });
    url = await inbox.start();
  }
  const input = endpointInputSchema({ allowLoopback: true }).parse({
    name: inbox ? "Demo BSP inbox" : "Your receiver",
    url,
    standardWebhooks: options.standardWebhooks,
    retryPolicy: { mode: "fixed", intervalsMinutes: [1, 2, 4], maxRetries: 3 },
    quietHours: night && { startMinute: night.startMinute, endMinute: night.endMinute, timeZone: DEMO_SHOP_TIME_ZONE },
  });
  await createEndpoint(shop, input, new Date(), { secret: secret! });
  // Issue 19: the Flow triggers on, answered by the Admin API double below.
  await (await import("../app/flow/flow-destination.server")).setFlowTriggers(shop, true);
  const { cashfreeSignature } = await import("../app/events/sign");
  const { normalizePhone } = await import("../app/contact");

  print(`Cart Relay demo: ${options.checkouts} checkouts on ${shopDomain}, abandoned after ${options.abandonAfterSeconds} s idle`);
  print(`  BSP: ${url}${inbox ? ` (built-in inbox, failing ${Math.round(options.failureRate * 100)} % of requests on purpose)` : ""}`);
  const server = await startServer(env, root, serverUrl);
  door.connect(serverUrl);
  const store = new StoreSimulator(serverUrl, { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET }, shopDomain, shop.pixelKey);
  const stop = async () => {
    server.kill("SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once("exit", resolve)));
    await inbox?.stop();
    await shopifyAdmin.stop();
    await door.close();
    await prisma.$disconnect();
  };

  try {
    // Buyers from their own generator: the same seed gives the same checkout tokens, so the same holdout.
    const buyers = planBuyers(options.checkouts, seededRandom(options.seed));
    // The night buyer: the first who leaves and is not in the holdout (the hash decides that), shipping abroad.
    const nightBuyer = night
      ? buyers.find((b) => b.outcome === "leaves" && holdoutPosition({ shopDomain, checkoutToken: b.token }) >= shop.holdoutPercent / 100)
      : undefined;
    if (night && nightBuyer) {
      nightBuyer.address = night.address;
      const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
      print(
        `  quiet hours ${hhmm(night.startMinute)}-${hhmm(night.endMinute)} on the buyer's clock; ${nightBuyer.firstName} ships to ${night.address.city} (${night.address.timeZone}), where it is night`,
      );
    }
    // Issue 19: buyers who order are logged-in customers of the shop. The first of them ticks the WhatsApp box
    // (its consent is written to Shopify); another already opted in through Shopify (it is read back).
    const customers = buyers.filter((b) => (b.outcome === "buys" || b.outcome === "returns") && b.phone);
    for (const [i, buyer] of customers.entries()) buyer.customerId = 6_600_000_000_000 + i;
    const writtenBack = customers.find((b) => b.channel === "extension");
    if (writtenBack) writtenBack.whatsappOptIn = true;
    // A buyer who buys at once (a returning one may be held out and never come back), their box left unticked here.
    const readBack = customers.find((b) => b !== writtenBack && b.outcome === "buys");
    if (readBack && readBack.channel === "extension") readBack.whatsappOptIn = false;
    for (const buyer of customers) {
      shopifyAdmin.api.addCustomer({
        id: buyer.customerId!,
        phone: normalizePhone(buyer.phone, "IN"),
        ...(buyer === readBack ? { whatsAppState: "SUBSCRIBED", updatedAt: new Date(Date.now() - 30 * 86_400_000).toISOString() } : {}),
      });
    }
    // And one buyer who leaves answers STOP to an earlier broadcast: their BSP reports it, and they get no message.
    const optedOut = buyers.find(
      (b) => b.outcome === "leaves" && b !== nightBuyer && b.phone && holdoutPosition({ shopDomain, checkoutToken: b.token }) >= shop.holdoutPercent / 100,
    );
    let orders = 0;
    for (const buyer of buyers) {
      await store.fillCheckout(buyer);
      if (buyer === optedOut && secret) await store.reportOptOut(buyer, secret, cashfreeSignature);
      if (buyer.outcome === "buys") await store.placeOrder(buyer, ++orders, null);
    }
    if (optedOut) print(`  ${optedOut.firstName}'s BSP reports a STOP reply for their phone: no message goes to them from any endpoint`);
    print(`  store: ${buyers.length} buyers filled checkouts; waiting for abandonment, deliveries and returns...`);

    const tokenOf = new Map(buyers.map((b) => [b.token, b]));
    const returned = new Set<string>();
    const waitsForMessage = (b: Buyer) => b.outcome === "leaves" || b.outcome === "returns" || b.outcome === "phone-only";
    const timeoutMs = 60_000 + options.abandonAfterSeconds * 2000;
    await waitFor(
      async () => {
        // Read "unsettled" first: a delivery that succeeds after this count keeps the loop going.
        // The night buyer's message waits for their morning; the demo does not.
        const heldUntilMorning = { checkout: { token: nightBuyer?.token ?? "" } };
        const unsettled = await prisma.delivery.count({
          where: { shopId: shop.id, status: { in: ["pending", "in_flight"] }, NOT: { event: heldUntilMorning } },
        });
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
          // The buyer taps the link in their WhatsApp message and pays, or types its code into a fresh checkout.
          const body = JSON.parse(delivery.body) as { abandonedCheckoutUrl: string; discountCode: { code: string } | null };
          await store.placeOrder(buyer, ++orders, body.abandonedCheckoutUrl, buyer.returnsVia === "code" ? (body.discountCode?.code ?? null) : null);
          placed++;
        }
        // Consent exchanges with Shopify run in the detector's pass, after the orders that queue them.
        const consentWaiting = await prisma.consentSync.count({ where: { shopId: shop.id, status: "pending" } });
        return placed === 0 && unsettled === 0 && consentWaiting === 0 && buyers.filter(waitsForMessage).every((b) => abandoned.has(b.token));
      },
      timeoutMs,
      "the pipe to settle",
    );

    const summary = await readSummary(shop.id, inbox, shopifyAdmin.api);
    print(formatSummary(summary));
    const sessionExpiresAt = new Date(Date.now() + ADMIN_SESSION_SECONDS * 1000);
    let dashboardUrl: string | null = null;
    if (!options.exit) {
      const token = await adminSessionToken({ apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET }, shopDomain, {
        expiresIn: ADMIN_SESSION_SECONDS,
      });
      dashboardUrl = `${door.url}/app?embedded=1&shop=${shopDomain}&host=${adminHost(shopDomain)}&id_token=${token}`;
      const until = sessionExpiresAt.toTimeString().slice(0, 5);
      print(
        `\nDashboard: open this in any browser on this machine (a local admin session, valid ${ADMIN_SESSION_SECONDS / 3600} hour, until ${until}):\n  ${dashboardUrl}`,
      );
    }
    if (options.json) console.log(JSON.stringify({ summary, dashboardUrl, sessionExpiresAt }));
    return { summary, inbox, dashboardUrl, sessionExpiresAt, stop };
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
    if (!error.message) {
      console.log(USAGE);
      process.exit(0);
    }
    console.error(`${error.message}\n(npm run demo -- --help lists the options)`);
    process.exit(2);
  }
  const print = options.quiet ? () => {} : (line: string) => console.log(line);
  const door = await claimPort(options, DEMO_SHOP, print);
  let releaseDatabase: () => void;
  try {
    releaseDatabase = claimDatabase(demoDatabaseFile(options, process.cwd()));
    process.on("exit", () => releaseDatabase());
    if (options.build) await buildApp(process.cwd(), print);
  } catch (error) {
    await door.close();
    throw error;
  }
  const run = await runDemo(options, door);
  if (options.exit) {
    await run.stop();
    print("\nStopped (--exit); run without --exit to browse the dashboard.");
    return;
  }
  print("\nThe app keeps running for the dashboard. Press Ctrl+C to stop.");
  const shutdown = async () => {
    await run.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
