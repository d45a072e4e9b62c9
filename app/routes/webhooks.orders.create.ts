import type { ActionFunctionArgs } from "@remix-run/node";
import { orderWebhookSchema } from "../recovery/order-payload";
import { linkOrder } from "../recovery/link-order.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "orders/create", orderWebhookSchema, async ({ shop, payload }) => {
    await linkOrder(shop, payload);
  });
