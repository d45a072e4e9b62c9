import type { Shop } from "@prisma/client";
import prisma from "../db.server";
import { recordObservation } from "../models/checkout.server";
import { captureObservation } from "../capture/observations";
import { RateLimiter } from "../capture/rate-limit";
import { HttpError } from "../http/errors";
import { readJsonBody } from "../http/read-json";
import { jsonResponse } from "../http/respond";
import { describeZodError } from "../http/validation";
import { logger } from "../logger.server";
import { PIXEL_KEY_PATTERN, pixelBodySchema, type PixelBody } from "./pixel-body";

// A checkout emits six pixel events at most, so a shop sees far fewer pixel
// posts than extension captures; one client (key + IP) a few per second.
export const PIXEL_SHOP_RATE = { capacity: 120, refillPerSecond: 10 } as const;
export const PIXEL_CLIENT_RATE = { capacity: 30, refillPerSecond: 2 } as const;

const shopLimiter = new RateLimiter(PIXEL_SHOP_RATE.capacity, PIXEL_SHOP_RATE.refillPerSecond);
const clientLimiter = new RateLimiter(PIXEL_CLIENT_RATE.capacity, PIXEL_CLIENT_RATE.refillPerSecond);

/**
 * The client's address as the proxy in front of the app reports it. Without
 * one there is nothing to key on, and only the per-shop limit applies.
 */
export function clientAddress(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip")?.trim() || null;
}

function take(limiter: RateLimiter, key: string, nowMs: number, message: string): void {
  if (limiter.take(key, nowMs)) return;
  throw new HttpError(429, message, { "retry-after": String(limiter.retryAfterSeconds(key, nowMs)) });
}

/** The pixel key a body claims, checked for shape only: 401 before anything else is read. */
function claimedPixelKey(raw: unknown): string {
  const pixelKey = typeof raw === "object" && raw !== null ? (raw as { pixelKey?: unknown }).pixelKey : undefined;
  if (typeof pixelKey !== "string" || pixelKey === "") throw new HttpError(401, "pixelKey is required");
  if (!PIXEL_KEY_PATTERN.test(pixelKey)) throw new HttpError(401, "pixelKey is not valid");
  return pixelKey;
}

/** The installed shop behind a pixel key, or 401. */
async function shopForPixelKey(pixelKey: string): Promise<Shop> {
  const shop = await prisma.shop.findUnique({ where: { pixelKey } });
  if (!shop || shop.uninstalledAt) throw new HttpError(401, "pixelKey is not valid");
  return shop;
}

/**
 * checkout_completed is a hint, not a conversion: only orders/create links an
 * order. The first hint is kept; later ones change nothing.
 */
async function recordCompletedHint(checkoutId: number, at: Date): Promise<void> {
  await prisma.checkout.updateMany({ where: { id: checkoutId, completedHintAt: null }, data: { completedHintAt: at } });
}

/** Merges one pixel event into the shop's checkout as the lower-trust source. */
export async function recordPixelEvent(shop: Shop, body: PixelBody, now: Date) {
  const capture = { ...body.checkout, occurredAt: body.occurredAt };
  const observation = captureObservation("pixel", capture, now);
  const completed = body.event === "checkout_completed";
  const checkout = await recordObservation(shop, capture.checkoutToken, { ...observation, buyerActivity: !completed });
  if (completed) await recordCompletedHint(checkout.id, observation.observedAt);
  return checkout;
}

/**
 * POST /api/pixel: the per-shop pixel key (from the pixel's settings) names
 * the shop; the body is validated before the database is touched. The answer
 * says nothing about the checkout: the caller is not trusted.
 */
export async function handlePixel(request: Request, now = new Date()): Promise<Response> {
  const raw = await readJsonBody(request);
  const nowMs = now.getTime();
  const pixelKey = claimedPixelKey(raw);
  const address = clientAddress(request);
  if (address) take(clientLimiter, `${pixelKey}|${address.slice(0, 64)}`, nowMs, "too many pixel events from this client; retry later");
  const shop = await shopForPixelKey(pixelKey);
  take(shopLimiter, shop.id, nowMs, "too many pixel events for this shop; retry later");
  const parsed = pixelBodySchema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
  await recordPixelEvent(shop, parsed.data, now);
  logger.debug({ shop: shop.domain, event: parsed.data.event, eventId: parsed.data.eventId }, "pixel event recorded");
  return jsonResponse({ ok: true });
}
