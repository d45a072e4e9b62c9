import type { z } from "zod";
import { describeZodError } from "../http/validation";
import { AppError } from "../errors";
import { respond } from "../http/respond";
import { logger } from "../logger.server";
import { processOnce } from "./process-once.server";
import type { WebhookTopic } from "./topics";
import { verifyWebhook } from "./verify-webhook.server";

export { MAX_WEBHOOK_BYTES, STALE_WEBHOOK_MS } from "./verify-webhook.server";

export interface WebhookContext<T> {
  shop: string;
  topic: WebhookTopic;
  payload: T;
}

/**
 * The shape of every webhook route: Shopify's checks (verifyWebhook: the
 * route's topic, the HMAC, the payload naming the header's shop), the payload
 * checked against `schema` (400 naming the field), then `effect` once per
 * X-Shopify-Webhook-Id. Shopify retries anything but a 2xx.
 */
export function handleWebhook<S extends z.ZodType>(
  request: Request,
  topic: WebhookTopic,
  schema: S,
  effect: (context: WebhookContext<z.output<S>>) => Promise<void>,
): Promise<Response> {
  return respond(async () => {
    const { shop, payload, webhookId } = await verifyWebhook(request, topic);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new AppError("bad_input", describeZodError(parsed.error));
    const outcome = await processOnce(webhookId, shop, topic, () => effect({ shop, topic, payload: parsed.data }));
    logger.info({ shop, topic, webhookId, outcome }, "webhook");
    return new Response(null, { status: 200 });
  });
}
