// Plays Shopify for the demo and the tests: requests signed exactly as
// Shopify signs them (checkout session tokens, webhook HMACs, admin session
// tokens), so the app's real verification runs. Nothing else is simulated.
import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export const SHOPIFY_API_VERSION = "2026-10";

// shopify-app-remix answers 410 to user agents that look like bots (isbot).
export const BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export interface AppCredentials {
  apiKey: string;
  apiSecret: string;
}

async function sign(claims: Record<string, unknown>, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(Buffer.from(secret, "utf8"));
}

/** A checkout UI extension session token: HS256 with the app secret, `dest` = the shop. */
export function checkoutSessionToken(
  app: AppCredentials,
  shop: string,
  { expiresIn = 300, claims = {} }: { expiresIn?: number; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { iss: `https://${shop}`, dest: shop, aud: app.apiKey, iat: now, nbf: now - 5, exp: now + expiresIn, jti: randomUUID(), ...claims },
    app.apiSecret,
  );
}

/** The session token Shopify's admin gives an embedded app (App Bridge `idToken()`). */
export function adminSessionToken(
  app: AppCredentials,
  shop: string,
  { expiresIn = 60, userId = "1", claims = {} }: { expiresIn?: number; userId?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: app.apiKey,
      sub: userId,
      iat: now,
      nbf: now - 5,
      exp: now + expiresIn,
      jti: randomUUID(),
      sid: randomUUID(),
      ...claims,
    },
    app.apiSecret,
  );
}

export function webhookHmac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** Headers of a Shopify webhook delivery for `body`. */
export function webhookHeaders(app: AppCredentials, topic: string, shop: string, body: string, webhookId: string = randomUUID()): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "Shopify-Captain-Hook",
    "x-shopify-hmac-sha256": webhookHmac(body, app.apiSecret),
    "x-shopify-topic": topic,
    "x-shopify-shop-domain": shop,
    "x-shopify-api-version": SHOPIFY_API_VERSION,
    "x-shopify-webhook-id": webhookId,
    "x-shopify-event-id": randomUUID(),
    "x-shopify-triggered-at": new Date().toISOString(),
  };
}

/** The `host` query parameter Shopify's admin adds to embedded app URLs. */
export function adminHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64url");
}
