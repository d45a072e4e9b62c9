import type { z } from "zod";
import { authenticate } from "../shopify.server";
import { describeZodError } from "../http/validation";
import { HttpError } from "../http/errors";
import { readBodyText } from "../http/read-json";
import { respond } from "../http/respond";
import { logger } from "../logger.server";
import { processOnce } from "./process-once.server";

// Shopify's largest payloads (orders with hundreds of lines) stay well under this.
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;
// Shopify retries a failed delivery for 48 hours; anything older is a replay.
export const STALE_WEBHOOK_MS = 72 * 60 * 60_000;

/** Shopify's HMAC check on a size-bounded body; a signed body that is not JSON is a 400, not a crash. */
async function verifiedWebhook(request: Request, now = Date.now()) {
  const body = await readBodyText(request, MAX_WEBHOOK_BYTES);
  const triggeredAt = Date.parse(request.headers.get("x-shopify-triggered-at") ?? "");
  let context;
  try {
    context = await authenticate.webhook(new Request(request.url, { method: request.method, headers: request.headers, body }));
  } catch (error) {
    if (error instanceof SyntaxError) throw new HttpError(400, "body is not valid JSON");
    throw error;
  }
  if (Number.isFinite(triggeredAt) && now - triggeredAt > STALE_WEBHOOK_MS) {
    throw new HttpError(400, `webhook delivery is stale: triggered at ${new Date(triggeredAt).toISOString()}`);
  }
  return context;
}

export interface WebhookContext<T> {
  shop: string;
  topic: string;
  payload: T;
}

/**
 * The shape of every webhook route: Shopify's HMAC check (401 on a bad one),
 * the payload checked against `schema` (400 naming the field), then `effect`
 * once per X-Shopify-Webhook-Id. Shopify retries anything but a 2xx.
 * `keepReceipt: false` is for effects that are idempotent and must leave no
 * trace of the shop, not even the receipt (shop/redact).
 */
export function handleWebhook<S extends z.ZodType>(
  request: Request,
  schema: S,
  effect: (context: WebhookContext<z.output<S>>) => Promise<void>,
  { keepReceipt = true }: { keepReceipt?: boolean } = {},
): Promise<Response> {
  return respond(async () => {
    const { shop, topic, payload, webhookId } = await verifiedWebhook(request);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
    const run = () => effect({ shop, topic, payload: parsed.data });
    const outcome = keepReceipt ? await processOnce(webhookId, shop, topic, run) : (await run(), "processed");
    logger.info({ shop, topic, webhookId, outcome }, "webhook");
    return new Response(null, { status: 200 });
  });
}
