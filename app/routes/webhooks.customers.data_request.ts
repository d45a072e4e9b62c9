import type { ActionFunctionArgs } from "@remix-run/node";
import { answerDataRequest, customerPayloadSchema } from "../privacy/compliance.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "customers/data_request", customerPayloadSchema, async ({ shop, payload }) => {
    await answerDataRequest(shop, payload);
  });
