import type { z } from "zod";
import { authenticate } from "../shopify.server";
import { describeZodError } from "../http/validation";
import { HttpError } from "../http/errors";
import { respond } from "../http/respond";
import { logger } from "../logger.server";
import { processOnce } from "./process-once.server";

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
    const { shop, topic, payload, webhookId } = await authenticate.webhook(request);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
    const run = () => effect({ shop, topic, payload: parsed.data });
    const outcome = keepReceipt ? await processOnce(webhookId, shop, topic, run) : (await run(), "processed");
    logger.info({ shop, topic, webhookId, outcome }, "webhook");
    return new Response(null, { status: 200 });
  });
}
