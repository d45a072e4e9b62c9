import type { ActionFunctionArgs } from "@remix-run/node";
import { customerPayloadSchema, redactCustomer } from "../privacy/compliance.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "customers/redact", customerPayloadSchema, async ({ shop, payload }) => {
    await redactCustomer(shop, payload);
  });
