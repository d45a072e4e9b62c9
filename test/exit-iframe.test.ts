import { describe, expect, it } from "vitest";
import { loader } from "../app/routes/auth.$";
import { APP_URL } from "./shopify";

const shop = "exit-shop.myshopify.com";

async function exitIframe(destination: string): Promise<{ status: number; text: string }> {
  const url = `${APP_URL}/auth/exit-iframe?shop=${shop}&host=${Buffer.from(`admin.shopify.com/store/exit-shop`).toString("base64url")}&exitIframe=${encodeURIComponent(destination)}`;
  try {
    const result = await loader({ request: new Request(url), params: {}, context: {} });
    const response = result as unknown as Response;
    return { status: response.status, text: await response.text() };
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    return { status: thrown.status, text: await thrown.text() };
  }
}

describe("/auth/exit-iframe", () => {
  it.each([
    "https://evil.example",
    "https://evil.example/admin",
    "//evil.example/app",
    "https://other-shop.myshopify.com/admin/charges/1/confirm",
    `https://${shop}/`,
    `https://${shop}:8443/admin`,
    "https://admin.shopify.com.evil.example/store/exit-shop",
    "javascript:alert(1)",
  ])("sends nobody to %s", async (destination) => {
    const { status, text } = await exitIframe(destination);
    expect(status).toBe(400);
    expect(text).not.toContain("window.open");
    expect(JSON.parse(text)).toEqual({ error: "exitIframe must be a page of this app, admin.shopify.com or the shop's own admin" });
  });

  it.each([
    `${APP_URL}/auth?shop=${shop}`,
    "/app/endpoints",
    "https://admin.shopify.com/store/exit-shop/apps/cart-relay",
    `https://${shop}/admin/charges/1/confirm`,
  ])("bounces to %s", async (destination) => {
    const { status, text } = await exitIframe(destination);
    expect(status).toBe(200);
    expect(text).toContain(`window.open(${JSON.stringify(new URL(destination, APP_URL).href)}, "_top")`);
  });
});
