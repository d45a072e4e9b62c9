import { env } from "../env.server";
import { cachedShopForCapture } from "../shops/shop.server";
import { AppError } from "../errors";
import { charge, parseJsonBody, type PublicAnswer, type PublicApiRequest } from "../http/public-answer";
import { rateBudget } from "../http/rate-budget.server";
import { bearerToken, verifyCheckoutToken } from "../http/session-token";
import { describeZodError } from "../http/validation";
import { captureBodySchema } from "./capture-body";
import { recordObservation } from "./checkout-store.server";
import { captureObservation } from "./observations";

// A busy checkout sends a capture every couple of seconds per buyer; 600 a
// minute with bursts of 120 covers a flash sale on one shop per process.
export const CAPTURE_RATE = { capacity: 120, refillPerSecond: 10 } as const;
// One buyer's checkout session (its session token): a capture per field
// change, debounced by the extension, stays far below this.
export const CAPTURE_SESSION_RATE = { capacity: 30, refillPerSecond: 3 } as const;

const shopBudget = rateBudget("capture-shop", CAPTURE_RATE, env.REDIS_URL);
const sessionBudget = rateBudget("capture-session", CAPTURE_SESSION_RATE, env.REDIS_URL);

/**
 * POST /api/capture: a Shopify-signed checkout session token names the shop
 * (never the body); the body is validated before any budget is charged or
 * the database touched. Each buyer session has its own budget, under the
 * shop's, so one buyer cannot use up another's.
 */
export async function handleCapture(request: PublicApiRequest, now = new Date()): Promise<PublicAnswer> {
  const token = verifyCheckoutToken(
    bearerToken(request.header("authorization")),
    { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET },
    now.getTime() / 1000,
  );
  const parsed = captureBodySchema.safeParse(parseJsonBody(await request.readBody()));
  if (!parsed.success) throw new AppError("bad_input", describeZodError(parsed.error));
  const nowMs = now.getTime();
  await charge(sessionBudget, token.tokenId, nowMs, "too many captures from this checkout; retry later");
  await charge(shopBudget, token.shop, nowMs, "too many captures for this shop; retry later");
  const shop = await cachedShopForCapture(token.shop, nowMs);
  const checkout = await recordObservation(shop, parsed.data.checkoutToken, captureObservation("extension", parsed.data, now));
  return { status: 200, body: { ok: true, checkoutId: checkout.id, status: checkout.status } };
}
