import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { markUninstalled } from "../shops/shop.server";
import { announceUninstall } from "../endpoints/endpoint.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "app/uninstalled", z.unknown(), async ({ shop }) => {
    const uninstalled = await markUninstalled(shop);
    if (uninstalled) await announceUninstall(uninstalled);
  });
