// The merchant's admin end to end: the built server (npm start's server.mjs)
// with its embedded worker, real Chromium through playwright-core, a BSP on
// loopback that verifies signatures, and Shopify played by the test (session
// tokens, the App Bridge stand-in, signed webhooks). Screenshots of every
// page go to artifacts/screenshots/.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Shop } from "@prisma/client";
import prisma from "../../app/db.server";
import { startAppServer, type AppServer } from "../app-server";
import { launchChromium } from "../browser";
import { adminDocumentUrl, adminIdToken, installShop } from "../admin-session";
import { seedDashboard } from "../admin-fixtures";
import { orderWebhookPayload } from "../fixtures";
import { BROWSER_USER_AGENT, captureRequest, webhookRequest } from "../shopify";
import { APP_BRIDGE_STAND_IN, APP_BRIDGE_URL, ID_TOKEN_BINDING } from "../../demo/app-bridge-stand-in";
import { startStrictBsp, type StrictBsp } from "./strict-bsp";

const SHOP = "e2e-admin.myshopify.com";
const SCREENSHOTS = path.resolve("artifacts/screenshots");

let server: AppServer;
let bsp: StrictBsp;
let browser: Browser;
let page: Page;
let shop: Shop;
const pageErrors: string[] = [];

async function screenshot(name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens a page as the Shopify admin opens the app: a document request with a fresh id_token. */
async function open(pathname: string, heading: string) {
  await page.goto(await adminDocumentUrl(SHOP, pathname, server.url));
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

/** Polls stored rows until `check` holds, for work the server's own worker does; bounded, never timed. */
async function until<T>(what: string, check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  bsp = await startStrictBsp();
  // The dashboard fixture is from March 2026: keep it for a year, or the server's retention purge removes it.
  shop = await installShop(SHOP, { currency: "INR", timezone: "Asia/Kolkata", countryCode: "IN", retentionDays: 365 });
  await seedDashboard(shop);
  // The fixture's endpoints point at hooks.example.com; paused, the server's worker never tries to reach them.
  await prisma.endpoint.updateMany({ where: { shopId: shop.id }, data: { status: "paused" } });
  server = await startAppServer({ NODE_ENV: "development", CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "true", CART_RELAY_EMBEDDED_WORKER: "true" });

  browser = await launchChromium();
  // Headless Chromium names itself HeadlessChrome, which the app's bot check (isbot) refuses, as it would in production.
  const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT, viewport: { width: 1280, height: 900 } });
  await context.exposeFunction(ID_TOKEN_BINDING, () => adminIdToken(SHOP));
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    if (url.href === APP_BRIDGE_URL) return route.fulfill({ contentType: "text/javascript", body: APP_BRIDGE_STAND_IN });
    // Shopify's font and illustrations: Inter comes from the system's fonts-inter where installed, else the fallback (test/browser.ts).
    if (url.hostname === "cdn.shopify.com") return route.fulfill({ status: url.pathname.endsWith(".css") ? 200 : 404, contentType: "text/css", body: "" });
    return route.abort("blockedbyclient");
  });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await bsp?.close();
});

describe("the merchant's admin in Chromium", () => {
  it("connects a BSP, proves it verifies, shows the log, checkouts and the dashboard's numbers", { timeout: 180_000 }, async () => {
    // Dashboard of a shop that has data but not everything set up.
    await open("/app", "Dashboard");
    await page.getByText("Set up Cart Relay").waitFor();
    await page.locator("[data-chart=daily] svg").first().waitFor();
    await screenshot("01-dashboard");

    // Endpoints list -> Add endpoint.
    await open("/app/endpoints", "Endpoints");
    await page.getByRole("link", { name: "Spur" }).waitFor();
    await page.getByRole("link", { name: "Wati" }).waitFor();
    await screenshot("02-endpoints");
    await page.getByRole("link", { name: "Add endpoint" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Add endpoint" }).waitFor();

    // A bad URL: the server's error shows under the field, nothing is stored.
    await page.getByLabel("BSP").selectOption({ label: "LimeChat" });
    expect(await page.getByLabel("Name").inputValue()).toBe("LimeChat");
    await page.getByLabel("Webhook URL").fill("ftp://hooks.limechat.example/x");
    await page.getByRole("button", { name: "Save endpoint" }).last().click();
    await page.getByText("URL must start with https://").first().waitFor();
    expect(await prisma.endpoint.count({ where: { shopId: shop.id, name: "LimeChat" } })).toBe(0);
    await screenshot("03-endpoint-errors");

    await page.getByLabel("Webhook URL").fill(bsp.url);
    await page.getByRole("button", { name: "Save endpoint" }).last().click();
    await page.getByRole("heading", { level: 1, name: "LimeChat is connected" }).waitFor();
    const secret = await page.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    bsp.secret = secret;
    await screenshot("04-endpoint-created");

    // Send test, then the receiver check: one valid, two forgeries.
    await page.getByRole("link", { name: "Open endpoint" }).click();
    await page.getByRole("heading", { level: 1, name: "LimeChat" }).waitFor();
    await page.getByRole("button", { name: "Send test" }).click();
    await page.getByText(/Delivered: HTTP 200 in/).waitFor();
    await page.getByRole("button", { name: "Check receiver" }).click();
    await page.getByText("The receiver verifies our signature").waitFor();
    expect(await page.getByText("Pass", { exact: true }).count()).toBe(3);
    expect(bsp.received.filter((r) => r.headers["x-webhook-topic"] === "test").map((r) => r.reason)).toEqual([null, null, "bad signature", "stale timestamp"]);
    await screenshot("05-endpoint-tested");

    // The test delivery in the log, with its attempt.
    await page.getByRole("link", { name: "View in the delivery log" }).click();
    await page.getByRole("heading", { level: 1, name: "Test to LimeChat" }).waitFor();
    await page.getByText("Attempt 1").waitFor();
    await page.getByText("x-idempotency-key").first().waitFor();
    await screenshot("06-delivery");
    await open("/app/deliveries", "Deliveries");
    await page.getByRole("cell", { name: "LimeChat" }).first().waitFor();
    await screenshot("07-deliveries");

    // A buyer abandons a checkout on the storefront; the server's own detector and worker send it.
    const capture = await fetch(
      await captureRequest(
        SHOP,
        {
          checkoutToken: "e2e-buyer",
          email: "kavya.nair@example.com",
          phone: "+91 98440 55667",
          whatsappOptIn: true,
          currency: "INR",
          total: 1800,
          subtotal: 1800,
        },
        { baseUrl: server.url },
      ),
    );
    expect(capture.status).toBe(200);
    // Time passes: the checkout has been idle past abandonAfter.
    await prisma.checkout.updateMany({
      where: { token: "e2e-buyer" },
      data: { lastActivityAt: new Date(Date.now() - 11 * 60_000), abandonDueAt: new Date(Date.now() - 60_000) },
    });
    await until("the abandoned checkout to reach the BSP", async () =>
      bsp.received.find((r) => r.headers["x-webhook-topic"] === "abandonedCheckout" && r.accepted),
    );
    // The buyer orders after the message was delivered and recorded: an order that lands while the
    // attempt is still in flight is linked as converted, and no recovery is announced.
    await until("the delivery's success to be recorded", async () =>
      prisma.delivery.findFirst({ where: { shopId: shop.id, topic: "abandonedCheckout", firstSuccessAt: { not: null } } }),
    );
    const order = await fetch(
      webhookRequest(
        "orders/create",
        SHOP,
        orderWebhookPayload({
          id: 7001001,
          name: "#2001",
          checkout_token: "e2e-buyer",
          total_price: "1800.00",
          currency: "INR",
          created_at: new Date().toISOString(),
        }),
        { baseUrl: server.url },
      ),
    );
    expect(order.status).toBe(200);
    await until("the recovery to reach the BSP", async () => bsp.received.find((r) => r.headers["x-webhook-topic"] === "checkoutRecovered" && r.accepted));

    await open("/app/checkouts", "Checkouts");
    await page.getByText("+91******5667").waitFor();
    expect(await page.content()).not.toContain("kavya.nair@example.com");
    await screenshot("08-checkouts");

    // The dashboard today: one checkout, abandoned, delivered, recovered for ₹1,800.
    await open("/app", "Dashboard");
    await page.getByLabel("Date range").selectOption("today");
    await page.getByText("1 of 1 abandoned checkouts").waitFor();
    const text = await page.locator("main, body").first().innerText();
    expect(text).toContain("₹1,800.00");
    expect(text).toContain("1 recovered order");
    expect(text).toContain("100% of 1 captured");
    expect(text).toContain("2 of 2 finished deliveries");
    await page.locator("[data-chart=daily] svg").first().waitFor();
    await screenshot("09-dashboard-today");

    // The fixture's range: the numbers counted by hand in app/metrics/dashboard.test.ts.
    await page.getByLabel("Date range").selectOption("custom");
    await page.getByLabel("From").fill("2026-03-01");
    await page.getByLabel("To").fill("2026-03-03");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("3 of 5 abandoned checkouts").waitFor();
    const fixture = await page.locator("body").innerText();
    expect(fixture).toContain("₹1,900.25");
    expect(fixture).toContain("$250.50 in other currencies");
    expect(fixture).toContain("83.3% of 6 captured");
    expect(fixture).toContain("5 of 7 finished deliveries");
    expect(fixture).toContain("HTTP 500");
    await page.getByLabel("Endpoint").selectOption({ label: "Spur" });
    await page.getByText("2 of 4 abandoned checkouts sent to Spur").waitFor();
    await page.locator("[data-chart=daily] svg").first().waitFor();
    await screenshot("10-dashboard-range");

    // Settings: a bad value is named inline; a good one is saved.
    await open("/app/settings", "Settings");
    await page.getByLabel("Abandon after").fill("0");
    await page.getByRole("button", { name: "Save" }).last().click();
    await page.getByText("Abandon after must be at least 1 minute").first().waitFor();
    await page.getByLabel("Abandon after").fill("15");
    await page.getByRole("button", { name: "Save" }).last().click();
    await until("the settings to be saved", async () => (await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).abandonAfterMinutes === 15);
    await page.getByText("Settings saved").waitFor();
    await screenshot("11-settings");

    // The two refused saves above answer 400 on purpose; nothing else may fail in the page.
    expect(pageErrors.filter((error) => !error.includes("status of 400 (Bad Request)"))).toEqual([]);
    expect(pageErrors).toHaveLength(2);
  });
});
