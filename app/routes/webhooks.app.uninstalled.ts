import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { markUninstalled } from "../models/shop.server";
import { announceUninstall } from "../models/endpoint.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "app/uninstalled", z.unknown(), async ({ shop }) => {
    const uninstalled = await markUninstalled(shop);
    if (uninstalled) await announceUninstall(uninstalled);
  });
