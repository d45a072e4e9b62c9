import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { freePort } from "./app-server";
import { BROWSER_USER_AGENT } from "./shopify";
import type { DemoSummary } from "../demo/summary";

// `npm run demo` as a newcomer runs it (minus the build, which npm test has
// done): a child process with a small store, its own database and inbox.
describe("npm run demo", () => {
  it("delivers verified events, attributes recoveries, reports what the inbox and database hold, and serves the dashboard", async () => {
    const database = path.join(process.env.CART_RELAY_TEST_DIR!, `demo-${randomUUID()}.sqlite`);
    const port = await freePort();
    const env = { ...process.env };
    for (const name of ["DATABASE_URL", "NODE_ENV", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "ENCRYPTION_KEY", "CART_RELAY_EMBEDDED_WORKER"]) delete env[name];
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "demo/run.ts", "--checkouts", "10", "--abandon-after", "2", "--failure-rate", "0.3", "--seed", "3",
        "--port", String(port), "--database", database, "--json", "--quiet"],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const result = await new Promise<{ summary: DemoSummary; dashboardUrl: string }>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        const line = stdout.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line));
      });
      child.on("exit", (code) => reject(new Error(`demo exited ${code}:\n${stdout}\n${stderr}`)));
    });

    try {
      const { summary } = result;
      expect(summary.captured).toBe(10);
      expect(summary.inbox).not.toBeNull();
      expect(summary.inbox!.abandonedCheckout).toBe(summary.delivered);
      expect(summary.inbox!.checkoutRecovered).toBe(summary.recoveryNotices);
      expect(summary.inbox!.rejected).toBe(0);
      expect(summary.recovered).toBeGreaterThan(0);
      expect(summary.converted).toBeGreaterThan(0);
      expect(summary.deliveryAttempts).toBeGreaterThanOrEqual(summary.delivered);

      const db = new Database(database, { readonly: true });
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(count("SELECT count(*) AS n FROM Checkout")).toBe(summary.captured);
      expect(count("SELECT count(*) AS n FROM Checkout WHERE abandonedAt IS NOT NULL")).toBe(summary.abandoned);
      expect(count("SELECT count(*) AS n FROM Checkout WHERE status = 'recovered'")).toBe(summary.recovered);
      expect(count("SELECT count(*) AS n FROM Checkout WHERE status = 'converted'")).toBe(summary.converted);
      expect(count("SELECT count(*) AS n FROM Delivery WHERE topic = 'abandonedCheckout' AND status = 'succeeded'")).toBe(summary.delivered);
      expect(count("SELECT count(*) AS n FROM Delivery WHERE topic = 'checkoutRecovered' AND status = 'succeeded'")).toBe(summary.recoveryNotices);
      expect(count("SELECT count(*) AS n FROM Delivery WHERE status IN ('pending', 'in_flight')")).toBe(0);
      // A ZIP-only checkout is stored but never abandoned: no contact.
      expect(count("SELECT count(*) AS n FROM Checkout WHERE email IS NULL AND phone IS NULL AND zip IS NOT NULL AND abandonedAt IS NULL")).toBeGreaterThan(0);
      db.close();

      const dashboard = await fetch(result.dashboardUrl, { headers: { "user-agent": BROWSER_USER_AGENT } });
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain("Polaris-Page");
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    }
  }, 120_000);
});
