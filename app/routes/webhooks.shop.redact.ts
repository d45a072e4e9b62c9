import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { redactShop } from "../privacy/compliance.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, z.object({ shop_domain: z.string() }), async ({ shop }) => {
    await redactShop(shop);
  }, { keepReceipt: false });
