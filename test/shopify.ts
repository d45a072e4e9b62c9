// Plays Shopify in tests with the app's test credentials (vitest.config.ts),
// through the same signing code the demo uses (demo/shopify-double.ts), so
// the app's real verification runs. The only thing mocked anywhere in the
// suite is Shopify itself.
import * as shopify from "../demo/shopify-double";

export const API_KEY = process.env.SHOPIFY_API_KEY!;
export const API_SECRET = process.env.SHOPIFY_API_SECRET!;
export const APP_URL = process.env.SHOPIFY_APP_URL!;
export const API_VERSION = shopify.SHOPIFY_API_VERSION;
export const BROWSER_USER_AGENT = shopify.BROWSER_USER_AGENT;

export interface TokenOptions {
  secret?: string;
  apiKey?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  claims?: Record<string, unknown>;
}

const app = (options: TokenOptions = {}) => ({ apiKey: options.apiKey ?? API_KEY, apiSecret: options.secret ?? API_SECRET });

/** A checkout UI extension session token: HS256 with the app secret, `dest` = the shop. */
export function checkoutSessionToken(shop: string, options: TokenOptions = {}): Promise<string> {
  return shopify.checkoutSessionToken(app(options), shop, { expiresIn: options.expiresIn, claims: options.claims });
}

/** The admin's session token for an embedded page (App Bridge `idToken()`). */
export function adminSessionToken(shop: string, options: TokenOptions = {}): Promise<string> {
  return shopify.adminSessionToken(app(options), shop, { expiresIn: options.expiresIn, claims: options.claims });
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
  /** Sign and send this raw text instead of the JSON of `payload`. */
  rawBody?: string;
  triggeredAt?: Date;
}

/** A Shopify webhook delivery: X-Shopify-Hmac-Sha256 over the raw body with the app secret. */
export function webhookRequest(topic: string, shop: string, payload: unknown, options: WebhookOptions = {}): Request {
  const body = options.rawBody ?? JSON.stringify(payload);
  const headers = shopify.webhookHeaders(app({ secret: options.secret }), topic, shop, body, options.webhookId);
  if (options.triggeredAt) headers["x-shopify-triggered-at"] = options.triggeredAt.toISOString();
  return new Request(`${options.baseUrl ?? APP_URL}/webhooks/${topic}`, { method: "POST", headers, body: options.tamperedBody ?? body });
}
