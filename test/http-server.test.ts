import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "./app-server";
import { BROWSER_USER_AGENT, captureRequest, checkoutSessionToken, webhookRequest } from "./shopify";
import { checkoutWebhookPayload, orderWebhookPayload } from "./fixtures";
import { checkoutOf } from "./db";

// The built app as `npm start` serves it, driven over real HTTP by a client
// that signs like Shopify.
describe("the built server over HTTP", () => {
  const shop = "http-shop.myshopify.com";
  let server: AppServer;

  beforeAll(async () => {
    server = await startAppServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("captures from the extension, merges Shopify's webhooks and links the order", async () => {
    const preflight = await fetch(`${server.url}/api/capture`, { method: "OPTIONS", headers: { origin: "https://extensions.shopifycdn.com" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");

    const captured = await fetch(
      await captureRequest(shop, { checkoutToken: "http-1", phone: "+91 6000376569", whatsappOptIn: true }, { baseUrl: server.url }),
    );
    expect(captured.status).toBe(200);
    expect(await captured.json()).toMatchObject({ ok: true, status: "open" });

    const webhook = await fetch(webhookRequest("checkouts/update", shop, checkoutWebhookPayload({ token: "http-1" }), { baseUrl: server.url }));
    expect(webhook.status).toBe(200);
    const order = await fetch(webhookRequest("orders/create", shop, orderWebhookPayload({ checkout_token: "http-1" }), { baseUrl: server.url }));
    expect(order.status).toBe(200);

    expect(await checkoutOf(shop, "http-1")).toMatchObject({
      phoneE164: "+916000376569",
      whatsappOptIn: true,
      email: "buyer@example.com",
      sources: "extension,webhook",
      status: "converted",
    });
  });

  it("refuses forged, unauthenticated and oversized requests with the documented statuses", async () => {
    const forged = webhookRequest("orders/create", shop, orderWebhookPayload(), { baseUrl: server.url, tamperedBody: "{}" });
    expect((await fetch(forged)).status).toBe(401);
    expect((await fetch(await captureRequest(shop, { checkoutToken: "x" }, { baseUrl: server.url, token: null }))).status).toBe(401);
    const oversized = await fetch(
      await captureRequest(shop, null, { baseUrl: server.url, body: JSON.stringify({ checkoutToken: "big", locale: "x".repeat(70_000) }) }),
    );
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toEqual({ error: "body must be at most 65536 bytes" });
  });

  it("answers capture on the lean path: 413 to an oversized chunked body, 400 naming a field with a lone surrogate", async () => {
    const { request } = await import("node:http");
    const token = await checkoutSessionToken(shop);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const post = request(
        `${server.url}/api/capture`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "user-agent": BROWSER_USER_AGENT, "transfer-encoding": "chunked" },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode!, body }));
        },
      );
      post.on("error", reject);
      for (let i = 0; i < 40; i++) post.write("x".repeat(4096));
      post.end();
    });
    expect(chunked).toEqual({ status: 413, body: JSON.stringify({ error: "body must be at most 65536 bytes" }) });
    const surrogate = await fetch(await captureRequest(shop, null, { baseUrl: server.url, body: '{"checkoutToken":"s-1","email":"\\ud800@example.com"}' }));
    expect(surrogate.status).toBe(400);
    expect(await surrogate.json()).toEqual({ error: "email must be valid Unicode text (it contains a lone UTF-16 surrogate)" });
    const get = await fetch(`${server.url}/api/pixel`);
    expect(get.status).toBe(405);
    expect(get.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("sends people outside the admin to the login page, rendered with Polaris", async () => {
    const home = await fetch(`${server.url}/`, { redirect: "manual", headers: { "user-agent": BROWSER_USER_AGENT } });
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/auth/login");
    const login = await fetch(`${server.url}/auth/login`, { headers: { "user-agent": BROWSER_USER_AGENT } });
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain("Log in to Cart Relay");
    expect(html).toMatch(/Polaris-/);
  });

  it("shuts down cleanly on SIGTERM", async () => {
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain("shutting down");
  });
});
