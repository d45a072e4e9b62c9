// Plays the Shopify admin for the embedded app: session tokens (id_token)
// signed HS256 with the app secret as App Bridge's are, and the offline
// session Shopify's token exchange would have stored at install, so
// `authenticate.admin` runs unmocked and never calls Shopify.
//
// What authenticate.admin (shopify-app-remix 4.2, new embedded auth strategy)
// needs, read from dist/esm/server/authenticate/admin:
// - a browser-like User-Agent (isbot answers 410 otherwise);
// - a token in `Authorization: Bearer` (fetch and form requests) or, on a
//   document request, `?embedded=1&shop=..&host=..&id_token=..`;
// - a stored offline session `offline_<shop>` that is active: an access
//   token and `expires` more than 5 minutes ahead (WITHIN_MILLISECONDS_OF_EXPIRY);
//   otherwise it runs a token exchange against Shopify. With
//   expiringOfflineAccessTokens the real session also carries a refresh
//   token, stored here too.
import { randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import type { Shop } from "@prisma/client";
import { sessionStorage } from "../app/shopify.server";
import { ensureShop } from "../app/shops/shop.server";
import { API_KEY, API_SECRET, APP_URL, BROWSER_USER_AGENT } from "./shopify";

const HOUR_MS = 60 * 60_000;

/** The session token App Bridge hands the app: `dest` is the shop, `aud` the app's client id. */
export async function adminIdToken(shop: string, options: { secret?: string; expiresIn?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), API_KEY, options.secret ?? API_SECRET, {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: API_KEY,
    sub: "42",
    iat: now,
    nbf: now - 5,
    exp: now + (options.expiresIn ?? 60),
    jti: randomUUID(),
    sid: randomUUID(),
  });
  return token;
}

/** Installs the app for a shop as Shopify's token exchange leaves it: an offline session and the Shop row. */
export async function installShop(shop: string, overrides: Partial<Shop> = {}): Promise<Shop> {
  const session = new Session({
    id: `offline_${shop}`,
    shop,
    state: "",
    isOnline: false,
    scope: process.env.SCOPES,
    expires: new Date(Date.now() + 24 * HOUR_MS),
    accessToken: `shpat_${randomUUID().replace(/-/g, "")}`,
  });
  session.refreshToken = `shprt_${randomUUID().replace(/-/g, "")}`;
  session.refreshTokenExpires = new Date(Date.now() + 30 * 24 * HOUR_MS);
  await sessionStorage.storeSession(session);
  const row = await ensureShop(shop, { scopes: process.env.SCOPES ?? null });
  if (Object.keys(overrides).length === 0) return row;
  const { default: prisma } = await import("../app/db.server");
  return prisma.shop.update({ where: { id: row.id }, data: overrides });
}

export interface AdminRequestOptions {
  method?: string;
  /** sent as application/json, as the admin forms submit */
  json?: unknown;
  query?: Record<string, string>;
  /** a token other than a fresh valid one (null: none) */
  token?: string | null;
  baseUrl?: string;
}

/** A fetch from the embedded app, as App Bridge sends it: bearer session token, browser user agent. */
export async function adminRequest(shop: string, path: string, options: AdminRequestOptions = {}): Promise<Request> {
  const url = new URL(path, options.baseUrl ?? APP_URL);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = { "user-agent": BROWSER_USER_AGENT, accept: "application/json" };
  const token = options.token === undefined ? await adminIdToken(shop) : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  return new Request(url, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
}

/** The document request Shopify's admin makes when it opens the app in its iframe. */
export async function adminDocumentUrl(shop: string, path: string, baseUrl = APP_URL): Promise<string> {
  const url = new URL(path, baseUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64"));
  url.searchParams.set("id_token", await adminIdToken(shop));
  return url.toString();
}

type RouteArgs = { request: Request; params?: Record<string, string> };
type RouteFunction = (args: { request: Request; params: Record<string, string>; context: Record<string, never> }) => unknown;

/** Calls a loader or action and gives back its response, whether it returned or threw it. */
export async function callRoute(route: RouteFunction, { request, params = {} }: RouteArgs): Promise<Response> {
  try {
    const result = await route({ request, params, context: {} });
    if (!(result instanceof Response)) throw new Error(`route returned ${typeof result}, not a Response`);
    return result;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The response's JSON with its status, for one-line assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the server sent; each test reads it in the shape it asserts
export async function read(response: Response): Promise<{ status: number; body: any }> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
