import { env } from "../env.server";
import { authenticate } from "../shopify.server";
import { shopForCapture } from "../models/shop.server";
import { recordObservation } from "../models/checkout.server";
import { HttpError } from "../http/errors";
import { readJsonBody } from "../http/read-json";
import { jsonResponse } from "../http/respond";
import { captureBodySchema } from "./capture-body";
import { describeZodError } from "../http/validation";
import { captureObservation } from "./observations";
import { CAPTURE_RATE, RateLimiter } from "./rate-limit";

const limiter = new RateLimiter(CAPTURE_RATE.capacity, CAPTURE_RATE.refillPerSecond);

/** The shop's myshopify domain from a verified token's `dest` claim. */
export function shopFromDest(dest: string): string {
  const host = URL.canParse(dest) ? new URL(dest).hostname : dest;
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host)) throw new HttpError(401, "session token dest is not a shop");
  return host;
}

export function takeCaptureToken(shopDomain: string, nowMs: number): void {
  if (limiter.take(shopDomain, nowMs)) return;
  const retryAfter = String(limiter.retryAfterSeconds(shopDomain, nowMs));
  throw new HttpError(429, "too many captures for this shop; retry later", { "retry-after": retryAfter });
}

/**
 * POST /api/capture: a Shopify-signed checkout session token names the shop
 * (never the body); the body is validated before the database is touched.
 */
export async function handleCapture(request: Request, now = new Date()): Promise<Response> {
  const { sessionToken } = await authenticate.public.checkout(request);
  // The library skips the audience check for extensions; a token minted for another app must not pass.
  if (sessionToken.aud !== env.SHOPIFY_API_KEY) throw new HttpError(401, "session token is for another app");
  const shopDomain = shopFromDest(sessionToken.dest);
  takeCaptureToken(shopDomain, now.getTime());
  const parsed = captureBodySchema.safeParse(await readJsonBody(request));
  if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
  const shop = await shopForCapture(shopDomain);
  const checkout = await recordObservation(shop, parsed.data.checkoutToken, captureObservation("extension", parsed.data, now));
  return jsonResponse({ ok: true, checkoutId: checkout.id, status: checkout.status });
}
