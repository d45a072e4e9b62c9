import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import type { Browser } from "playwright-core";
import { launchChromium } from "./browser";
import { freePort } from "./app-server";
import { BROWSER_USER_AGENT } from "./shopify";
import type { DemoSummary } from "../demo/summary";
import { claimPort, nightAbroad, parseDemoArgs, UsageError } from "../demo/run";

function demoEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    "DATABASE_URL",
    "NODE_ENV",
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_APP_URL",
    "ENCRYPTION_KEY",
    "CART_RELAY_EMBEDDED_WORKER",
    "PORT",
    "HOST",
  ])
    delete env[name];
  return env;
}

function startDemo(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "demo/run.ts", ...args], { env: demoEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stopDemo(child: ChildProcess) {
  child.kill("SIGTERM");
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
}

// `npm run demo` as a newcomer runs it (minus the build, which npm test has
// done): a child process with a small store, its own database and inbox.
describe("npm run demo", () => {
  let demo: ReturnType<typeof startDemo>;
  let result: { summary: DemoSummary; dashboardUrl: string; sessionExpiresAt: string };
  let database: string;
  let port: number;

  beforeAll(async () => {
    database = path.join(process.env.CART_RELAY_TEST_DIR!, `demo-${randomUUID()}.sqlite`);
    port = await freePort();
    demo = startDemo([
      "--checkouts",
      "10",
      "--abandon-after",
      "2",
      "--failure-rate",
      "0.3",
      // With this seed the holdout's hash holds out one of the ten checkouts; most seeds hold out one or more.
      "--seed",
      "7",
      "--port",
      String(port),
      "--database",
      database,
      "--json",
      "--quiet",
    ]);
    result = await new Promise((resolve, reject) => {
      demo.child.stdout!.on("data", () => {
        const line = demo
          .output()
          .split("\n")
          .find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line));
      });
      void demo.exited.then((code) => reject(new Error(`demo exited ${code}:\n${demo.output()}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (demo) await stopDemo(demo.child);
  });

  it("delivers verified events, attributes recoveries, reports what the inbox and database hold", () => {
    const { summary } = result;
    expect(summary.captured).toBe(10);
    expect(summary.inbox).not.toBeNull();
    expect(summary.inbox!.abandonedCheckout).toBe(summary.delivered);
    expect(summary.inbox!.checkoutRecovered).toBe(summary.recoveryNotices);
    expect(summary.inbox!.rejected).toBe(0);
    expect(summary.inbox!.contractViolations).toBe(0);
    expect(summary.recovered).toBeGreaterThan(0);
    expect(summary.converted).toBeGreaterThan(0);
    expect(summary.deliveryAttempts).toBeGreaterThanOrEqual(summary.delivered);
    // One count of 503s: what the inbox answered on purpose is what the database recorded as failed attempts.
    const failedAttempts = Object.values(summary.topics).reduce((sum, topic) => sum + topic.failedAttempts, 0);
    expect(summary.inbox!.failedOnPurpose).toBe(failedAttempts);
    expect(Object.values(summary.inbox!.failedOnPurposeByTopic).reduce((a, b) => a + b, 0)).toBe(summary.inbox!.failedOnPurpose);

    const db = new Database(database, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count("SELECT count(*) AS n FROM Checkout")).toBe(summary.captured);
    expect(count("SELECT count(*) AS n FROM Checkout WHERE abandonedAt IS NOT NULL")).toBe(summary.abandoned);
    expect(count("SELECT count(*) AS n FROM Checkout WHERE status = 'recovered'")).toBe(summary.recovered);
    expect(count("SELECT count(*) AS n FROM Checkout WHERE status = 'converted'")).toBe(summary.converted);
    // The BSP's deliveries; the Shopify Flow destination's are counted on their own (below).
    const toBsp = "endpointId IN (SELECT id FROM Endpoint WHERE url != 'shopify-flow://triggers')";
    expect(count(`SELECT count(*) AS n FROM Delivery WHERE topic = 'abandonedCheckout' AND status = 'succeeded' AND ${toBsp}`)).toBe(summary.delivered);
    expect(count(`SELECT count(*) AS n FROM Delivery WHERE topic = 'checkoutRecovered' AND status = 'succeeded' AND ${toBsp}`)).toBe(summary.recoveryNotices);
    // Nothing is left in flight but the night buyer's message, waiting for their morning (asserted below).
    expect(count("SELECT count(*) AS n FROM Delivery WHERE status IN ('pending', 'in_flight')")).toBe(summary.recovery.heldForQuietHours.length);
    expect(count("SELECT count(*) AS n FROM Attempt WHERE statusCode IS NULL OR statusCode NOT BETWEEN 200 AND 299")).toBe(failedAttempts);
    expect(count("SELECT count(*) AS n FROM Checkout WHERE email IS NULL AND phone IS NULL")).toBe(summary.withoutContact);
    // A ZIP-only checkout is stored but never abandoned: no contact.
    expect(count("SELECT count(*) AS n FROM Checkout WHERE email IS NULL AND phone IS NULL AND zip IS NOT NULL AND abandonedAt IS NULL")).toBeGreaterThan(0);
    db.close();
  });

  it("shows recovery codes, the holdout's lift, a buyer abroad held until morning and a repeat buyer suppressed", async () => {
    const { summary } = result;
    const db = new Database(database, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

    // Recovery codes: made in Shopify (the demo's double), carried to the inbox, and some buyers came back with theirs.
    const codesMade = count("SELECT count(*) AS n FROM Checkout WHERE recoveryDiscountId IS NOT NULL AND recoveryCode LIKE 'CR-%'");
    expect(codesMade).toBeGreaterThan(0);
    expect(summary.recovery.codesMade).toBe(codesMade);
    expect(summary.inbox!.withRecoveryCode).toBeGreaterThan(0);
    const codeRecoveries = count("SELECT count(*) AS n FROM Checkout WHERE status = 'recovered' AND matchType = 'discount_code'");
    expect(codeRecoveries).toBeGreaterThan(0);
    expect(summary.recovery.discountCodeRecoveries).toBe(codeRecoveries);

    // The holdout: held-out checkouts exist, none of them got an event, and the lift line counts both groups.
    const heldOut = count("SELECT count(*) AS n FROM Checkout WHERE recoveryGroup = 'held_out'");
    expect(heldOut).toBeGreaterThan(0);
    expect(
      count("SELECT count(*) AS n FROM Event e JOIN Checkout c ON c.id = e.checkoutId WHERE c.recoveryGroup = 'held_out' AND e.topic = 'abandonedCheckout'"),
    ).toBe(0);
    expect(summary.recovery).toMatchObject({ holdoutPercent: 20, heldOut, sent: count("SELECT count(*) AS n FROM Checkout WHERE recoveryGroup = 'sent'") });
    expect(summary.recovery.lift).toContain(`${heldOut} held-out`);

    // Quiet hours on the buyer's clock: one buyer ships abroad, where it is night, and their message waits for morning.
    const held = db
      .prepare(
        `SELECT c.buyerTimeZone AS zone, c.buyerTimeZoneSource AS source, d.nextAttemptAt AS due FROM Delivery d
         JOIN Event e ON e.id = d.eventId JOIN Checkout c ON c.id = e.checkoutId WHERE d.status = 'pending' AND d.topic = 'abandonedCheckout'`,
      )
      .all() as { zone: string; source: string; due: number | string }[];
    expect(held.length).toBeGreaterThan(0);
    for (const row of held) {
      expect(row.zone).not.toBe("Asia/Kolkata");
      expect(row.source).toMatch(/^shipping_/);
      expect(new Date(row.due).getTime()).toBeGreaterThan(Date.now());
    }
    expect(summary.recovery.heldForQuietHours.map((h) => h.timeZone)).toEqual(held.map((row) => row.zone));

    // The send guard: a buyer who had just ordered left another checkout and got no message, counted by reason.
    const suppressed = db
      .prepare("SELECT suppressedReason AS reason, count(*) AS count FROM Checkout WHERE suppressedReason IS NOT NULL GROUP BY suppressedReason")
      .all() as {
      reason: string;
      count: number;
    }[];
    expect(suppressed.find((row) => row.reason === "recent_order")?.count ?? 0).toBeGreaterThan(0);
    expect(Object.fromEntries(summary.recovery.suppressed.map((row) => [row.reason, row.count]))).toEqual(
      Object.fromEntries(suppressed.map((row) => [row.reason, row.count])),
    );
    expect(
      count("SELECT count(*) AS n FROM Event e JOIN Checkout c ON c.id = e.checkoutId WHERE c.suppressedReason IS NOT NULL AND e.topic = 'abandonedCheckout'"),
    ).toBe(0);
    db.close();

    // The dashboard's lift card, on the same rows.
    const dashboard = await (await fetch(result.dashboardUrl, { headers: { "user-agent": BROWSER_USER_AGENT } })).text();
    expect(dashboard).toContain("What the messages earn");
    expect(dashboard).toContain(`${heldOut} held-out`);
  });

  it("shows issue 19: Flow triggers received by Shopify's double, consent written to and read from customers, a BSP opt-out suppressing a buyer", () => {
    const { native } = result.summary;
    const db = new Database(database, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const flow = "endpointId IN (SELECT id FROM Endpoint WHERE url = 'shopify-flow://triggers')";
    // Every event Flow got is a Flow delivery the log shows as succeeded, once per event.
    expect(native.flowTriggers["checkout-abandoned"]).toBe(
      count(`SELECT count(*) AS n FROM Delivery WHERE topic = 'abandonedCheckout' AND status = 'succeeded' AND ${flow}`),
    );
    expect(native.flowTriggers["checkout-recovered"]).toBe(
      count(`SELECT count(*) AS n FROM Delivery WHERE topic = 'checkoutRecovered' AND status = 'succeeded' AND ${flow}`),
    );
    expect(native.flowTriggers["checkout-abandoned"]).toBe(result.summary.eventsSent);
    expect(native.flowDeliveries).toBe(count(`SELECT count(*) AS n FROM Delivery WHERE status = 'succeeded' AND ${flow}`));

    // The evidence: the opt-in text and locale stored with every answer the checkout block sent.
    expect(native.evidenceStored).toBe(
      count("SELECT count(*) AS n FROM Checkout WHERE whatsappOptInText = 'Send me order updates and offers on WhatsApp' AND whatsappOptInLocale = 'en-IN'"),
    );
    expect(native.evidenceStored).toBeGreaterThan(0);
    // Consent written to the customer of an opted-in buyer who ordered, with when it was collected; Shopify's own read back.
    expect(native.consentWritten.SUBSCRIBED).toBeGreaterThan(0);
    expect(native.consentWritten.SUBSCRIBED).toBe(
      count(
        "SELECT count(*) AS n FROM ConsentSync s JOIN Checkout c ON c.id = s.checkoutId WHERE s.operation = 'write' AND s.state = 'SUBSCRIBED' AND s.status = 'done' AND s.collectedAt = c.whatsappOptInAt AND c.whatsappOptIn = 1",
      ),
    );
    expect(native.subscribedInShopify).toBe(native.consentWritten.SUBSCRIBED + native.optedInThroughShopify);
    expect(native.optedInThroughShopify).toBe(1);
    expect(count("SELECT count(*) AS n FROM Checkout WHERE whatsappOptInSource = 'shopify' AND whatsappOptIn = 1 AND customerId IS NOT NULL")).toBe(1);
    expect(count("SELECT count(*) AS n FROM ConsentSync WHERE status != 'done'")).toBe(0);

    // The BSP's STOP: the buyer's checkout was abandoned, and no endpoint got an event for it.
    expect(native.optOut).toEqual({ source: "Demo BSP inbox", reason: "stop_reply", events: 0 });
    expect(count("SELECT count(*) AS n FROM Checkout c JOIN OptOut o ON o.phoneE164 = c.phoneE164 WHERE c.abandonedAt IS NOT NULL")).toBe(1);
    expect(count("SELECT count(*) AS n FROM Event e JOIN Checkout c ON c.id = e.checkoutId JOIN OptOut o ON o.phoneE164 = c.phoneE164")).toBe(0);
    db.close();
  });

  it("serves the dashboard on 127.0.0.1 only, to browsers and scripts alike, with a favicon", async () => {
    const url = new URL(result.dashboardUrl);
    expect(url.hostname).toBe("127.0.0.1");
    expect(Number(url.port)).toBe(port);
    expect(new Date(result.sessionExpiresAt).getTime()).toBeGreaterThan(Date.now());
    // A script's user agent would get the Shopify library's bare 410 from the app itself; the demo's front door lets it in.
    for (const userAgent of [BROWSER_USER_AGENT, "curl/8.5.0"]) {
      const dashboard = await fetch(result.dashboardUrl, { headers: { "user-agent": userAgent } });
      expect(dashboard.status).toBe(200);
      const html = await dashboard.text();
      expect(html).toContain("Polaris-Page");
      expect(html).not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");
    }
    const favicon = await fetch(`${url.origin}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-type")).toContain("image/");
  });

  it("lets headless Chromium, as it comes, click through every page and save settings with the save bar", { timeout: 120_000 }, async () => {
    const browser: Browser = await launchChromium();
    try {
      // No user agent override, no routing: what a newcomer's headless browser does.
      const page = await browser.newPage();
      const problems: string[] = [];
      // The only resource from outside is Shopify's font stylesheet, unreachable offline and harmless.
      const external = (url: string) => url.startsWith("https://cdn.shopify.com/static/fonts/");
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error" && !external(message.location().url)) problems.push(`console: ${message.text()} (${message.location().url})`);
      });
      page.on("requestfailed", (request) => {
        if (!external(request.url())) problems.push(`request failed: ${request.url()}`);
      });
      page.on("response", (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      const nav = page.getByRole("navigation", { name: "App navigation" });
      const heading = (name: string | RegExp) => page.getByRole("heading", { level: 1, name }).waitFor();

      await page.goto(result.dashboardUrl);
      await heading("Dashboard");
      await page.locator("[data-chart=daily] svg").first().waitFor();

      await nav.getByRole("link", { name: "Endpoints" }).click();
      await heading("Endpoints");
      await page.getByRole("link", { name: "Demo BSP inbox" }).click();
      await heading("Demo BSP inbox");

      await nav.getByRole("link", { name: "Deliveries" }).click();
      await heading("Deliveries");
      // The BSP's first delivery (the Shopify Flow destination has deliveries of its own).
      await page.getByRole("row").filter({ hasText: "Demo BSP inbox" }).first().getByRole("link").first().click();
      await heading(/ to Demo BSP inbox$/);
      await page.getByText("Attempt 1").first().waitFor();

      await nav.getByRole("link", { name: "Checkouts" }).click();
      await heading("Checkouts");

      await nav.getByRole("link", { name: "Settings" }).click();
      await heading("Settings");
      await page.getByLabel("Abandon after").fill("3");
      const saveBar = page.getByRole("region", { name: "Unsaved changes" });
      await saveBar.getByRole("button", { name: "Save" }).click();
      await page.getByText("Settings saved").waitFor();
      await saveBar.waitFor({ state: "detached" });
      const db = new Database(database, { readonly: true });
      expect((db.prepare("SELECT abandonAfterMinutes AS m FROM Shop").get() as { m: number }).m).toBe(3);
      db.close();

      // A reload (no Shopify query parameters in the address bar any more) keeps the session.
      await page.reload();
      await heading("Settings");
      await nav.getByRole("link", { name: "Endpoints" }).click();
      await page.getByRole("link", { name: "Add endpoint" }).first().click();
      await heading("Add endpoint");
      await nav.getByRole("link", { name: "Dashboard" }).click();
      await heading("Dashboard");

      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("npm run demo, before it starts anything", () => {
  it("finds a buyer abroad in the night at any hour, with quiet hours the shop's buyers in India are outside", () => {
    const minute = (at: Date, timeZone: string) => {
      const [hour, min] = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit" }).format(at).split(":");
      return Number(hour) * 60 + Number(min);
    };
    const inside = (m: number, start: number, end: number) => (start < end ? m >= start && m < end : m >= start || m < end);
    for (const month of [0, 6]) {
      for (let offset = 0; offset < 1440; offset += 10) {
        const now = new Date(Date.UTC(2026, month, 15, 0, offset));
        const night = nightAbroad(now);
        expect(night, now.toISOString()).not.toBeNull();
        expect(inside(minute(now, night!.address.timeZone), night!.startMinute, night!.endMinute), now.toISOString()).toBe(true);
        expect(inside(minute(now, "Asia/Kolkata"), night!.startMinute, night!.endMinute), now.toISOString()).toBe(false);
      }
    }
  });

  it("accepts every example README gives (the options of each; the runs are the test above)", () => {
    const readme = readFileSync("README.md", "utf8");
    const examples = [...readme.matchAll(/^npm run demo -- (.+)$/gm)].map((match) => match[1].replace(/"\$YOUR_SECRET"/, "S").split(/\s+/));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const args of examples) {
      if (args.includes("--help")) {
        expect(() => parseDemoArgs(args)).toThrow(UsageError);
        continue;
      }
      expect(() => parseDemoArgs(args), args.join(" ")).not.toThrow();
    }
  });

  it("--help prints the options, including what --standard-webhooks needs, without building", async () => {
    const help = startDemo(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain("--standard-webhooks");
    expect(help.output()).toContain("whsec_<base64>");
    expect(help.output()).not.toContain("Building");
  });

  it("refuses --standard-webhooks with a secret that is not whsec_<base64>, naming the problem", async () => {
    const run = startDemo(["--endpoint", "https://your-bsp.example/hook", "--secret", "S", "--standard-webhooks"]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("--standard-webhooks needs a secret of the form whsec_<base64>");
  });

  it("takes a free port when the default one is busy, and says which", async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, "127.0.0.1", resolve));
    const said: string[] = [];
    try {
      const door = await claimPort({ ...parseDemoArgs([]), port }, "demo-store.myshopify.com", (line) => said.push(line));
      expect(door.port).not.toBe(port);
      expect(said).toEqual([`Port ${port} is in use, so the dashboard is on port ${door.port} instead (--port P to choose).`]);
      await door.close();
    } finally {
      busy.close();
    }
  });

  it("stops on a busy --port, naming it, before deleting the database", async () => {
    const database = path.join(process.env.CART_RELAY_TEST_DIR!, `demo-busy-${randomUUID()}.sqlite`);
    writeFileSync(database, "a demo that may still be running");
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, "127.0.0.1", resolve));
    try {
      const run = startDemo(["--port", String(port), "--database", database, "--exit", "--quiet"]);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(readFileSync(database, "utf8")).toBe("a demo that may still be running");
    } finally {
      busy.close();
    }
  });
});
