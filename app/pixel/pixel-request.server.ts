import { env } from "../env.server";
import { recordObservation } from "../capture/checkout-store.server";
import { captureObservation } from "../capture/observations";
import { clientAddress } from "../http/client-address";
import { AppError } from "../errors";
import { charge, parseJsonBody, type PublicAnswer, type PublicApiRequest } from "../http/public-answer";
import { rateBudget } from "../http/rate-budget.server";
import { describeZodError } from "../http/validation";
import { logger } from "../logger.server";
import { cachedShopForPixelKey, type CaptureShopRow } from "../shops/shop.server";
import { PIXEL_KEY_PATTERN, pixelBodySchema, type PixelBody } from "./pixel-body";

// A checkout emits six pixel events at most, so a shop sees far fewer pixel
// posts than extension captures; one client (key + address) a few per second.
export const PIXEL_SHOP_RATE = { capacity: 120, refillPerSecond: 10 } as const;
export const PIXEL_CLIENT_RATE = { capacity: 30, refillPerSecond: 2 } as const;
// Keys this process has not looked up lately, per client address: a real
// storefront has one, a prober many.
export const PIXEL_KEY_LOOKUP_RATE = { capacity: 10, refillPerSecond: 0.5 } as const;

const shopBudget = rateBudget("pixel-shop", PIXEL_SHOP_RATE, env.REDIS_URL);
const clientBudget = rateBudget("pixel-client", PIXEL_CLIENT_RATE, env.REDIS_URL);
const keyLookupBudget = rateBudget("pixel-key-lookup", PIXEL_KEY_LOOKUP_RATE, env.REDIS_URL);

/** The pixel key a body claims, checked for shape only: 401 before anything else is read. */
function claimedPixelKey(raw: unknown): string {
  const pixelKey = typeof raw === "object" && raw !== null ? (raw as { pixelKey?: unknown }).pixelKey : undefined;
  if (typeof pixelKey !== "string" || pixelKey === "") throw new AppError("unauthorized", "pixelKey is required");
  if (!PIXEL_KEY_PATTERN.test(pixelKey)) throw new AppError("unauthorized", "pixelKey is not valid");
  return pixelKey;
}

/**
 * Merges one pixel event into the shop's checkout as the lower-trust source.
 * checkout_completed is a hint, not a conversion (only orders/create links an
 * order): the first hint is kept, and it is not buyer activity.
 */
export async function recordPixelEvent(shop: CaptureShopRow, body: PixelBody, now: Date) {
  const capture = { ...body.checkout, occurredAt: body.occurredAt };
  const observation = captureObservation("pixel", capture, now);
  const completed = body.event === "checkout_completed";
  return recordObservation(
    shop,
    capture.checkoutToken,
    { ...observation, buyerActivity: !completed },
    completed ? { completedHintAt: observation.observedAt } : {},
  );
}

/**
 * POST /api/pixel: the per-shop pixel key (from the pixel's settings) names
 * the shop. The body is validated first; then the client (key + its address
 * behind TRUST_PROXY_HOPS proxies) is charged, and a key not looked up lately
 * charges the address's lookup budget before the query, so a flood of
 * made-up keys costs few queries; the shop's budget comes last. The
 * answer says nothing about the checkout: the caller is not trusted.
 */
export async function handlePixel(request: PublicApiRequest, now = new Date()): Promise<PublicAnswer> {
  const raw = parseJsonBody(await request.readBody());
  const nowMs = now.getTime();
  const pixelKey = claimedPixelKey(raw);
  const parsed = pixelBodySchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_input", describeZodError(parsed.error));
  const address = clientAddress(request.header("x-forwarded-for"), request.socketAddress, env.TRUST_PROXY_HOPS);
  // Without an address (a transport that does not say) only the shop's budget applies.
  if (address) await charge(clientBudget, `${pixelKey}|${address.slice(0, 64)}`, nowMs, "too many pixel events from this client; retry later");
  const shop = await cachedShopForPixelKey(pixelKey, nowMs, async () => {
    if (address) await charge(keyLookupBudget, address.slice(0, 64), nowMs, "too many unknown pixel keys from this client; retry later");
  });
  if (!shop) throw new AppError("unauthorized", "pixelKey is not valid");
  await charge(shopBudget, shop.id, nowMs, "too many pixel events for this shop; retry later");
  await recordPixelEvent(shop, parsed.data, now);
  logger.debug({ shop: shop.domain, event: parsed.data.event, eventId: parsed.data.eventId }, "pixel event recorded");
  return { status: 200, body: { ok: true } };
}
