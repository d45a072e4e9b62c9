import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { redactShop } from "../privacy/compliance.server";
import { logger } from "../logger.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "shop/redact", z.object({ shop_domain: z.string() }), async ({ shop }) => {
    const outcome = await redactShop(shop);
    if (outcome === "installed") logger.warn({ shop }, "shop/redact for an installed shop: nothing deleted");
  });
