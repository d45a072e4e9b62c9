import type { ActionFunctionArgs } from "@remix-run/node";
import { checkoutWebhookSchema } from "../webhooks/checkout-payload";
import { recordCheckoutWebhook } from "../webhooks/checkouts.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "checkouts/update", checkoutWebhookSchema, async ({ shop, payload }) => {
    await recordCheckoutWebhook(shop, payload);
  });
