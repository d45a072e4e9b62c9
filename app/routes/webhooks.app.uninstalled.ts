import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { markUninstalled } from "../models/shop.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, z.unknown(), async ({ shop }) => {
    await markUninstalled(shop);
  });
