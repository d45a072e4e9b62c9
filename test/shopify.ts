// Plays Shopify in tests: requests signed exactly as Shopify signs them, so
// the app's real verification (authenticate.public.checkout, authenticate.webhook)
// runs. The only thing mocked anywhere in the suite is Shopify itself.
import { randomUUID } from "node:crypto";
import { getHmac, getJwt } from "@shopify/shopify-api/test-helpers";

export const API_KEY = process.env.SHOPIFY_API_KEY!;
export const API_SECRET = process.env.SHOPIFY_API_SECRET!;
export const APP_URL = process.env.SHOPIFY_APP_URL!;
export const API_VERSION = "2026-07";

// shopify-app-remix answers 410 to user agents that look like bots (isbot).
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export interface TokenOptions {
  secret?: string;
  apiKey?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  claims?: Record<string, unknown>;
}

/** A checkout UI extension session token: HS256 with the app secret, `dest` = the shop. */
export async function checkoutSessionToken(shop: string, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const storeName = shop.replace(/\.myshopify\.com$/, "");
  const { token } = await getJwt(storeName, options.apiKey ?? API_KEY, options.secret ?? API_SECRET, {
    iss: `https://${shop}`,
    dest: shop,
    sub: undefined,
    sid: undefined,
    iat: now,
    nbf: now - 5,
    exp: now + (options.expiresIn ?? 300),
    jti: randomUUID(),
    ...options.claims,
  } as Parameters<typeof getJwt>[3]);
  return token;
}

export interface CaptureRequestOptions extends TokenOptions {
  token?: string | null;
  body?: string;
  baseUrl?: string;
  headers?: Record<string, string>;
}

/** POST /api/capture as the checkout extension sends it. */
export async function captureRequest(shop: string, body: unknown, options: CaptureRequestOptions = {}): Promise<Request> {
  const token = options.token === undefined ? await checkoutSessionToken(shop, options) : options.token;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": BROWSER_USER_AGENT,
    origin: "https://extensions.shopifycdn.com",
    ...options.headers,
  };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Request(`${options.baseUrl ?? APP_URL}/api/capture`, {
    method: "POST",
    headers,
    body: options.body ?? JSON.stringify(body),
  });
}

export interface WebhookOptions {
  secret?: string;
  webhookId?: string;
  baseUrl?: string;
  /** Replace the body after signing, as a tampering proxy would. */
  tamperedBody?: string;
}

/** A Shopify webhook delivery: X-Shopify-Hmac-Sha256 over the raw body with the app secret. */
export function webhookRequest(topic: string, shop: string, payload: unknown, options: WebhookOptions = {}): Request {
  const body = JSON.stringify(payload);
  return new Request(`${options.baseUrl ?? APP_URL}/webhooks/${topic}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "Shopify-Captain-Hook",
      "x-shopify-hmac-sha256": getHmac(body, options.secret ?? API_SECRET),
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": API_VERSION,
      "x-shopify-webhook-id": options.webhookId ?? randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
    },
    body: options.tamperedBody ?? body,
  });
}
