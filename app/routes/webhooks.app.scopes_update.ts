import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { updateGrantedScopes } from "../shops/shop.server";
import { handleWebhook } from "../webhooks/handle-webhook.server";

const scopesUpdateSchema = z.object({ current: z.array(z.string().regex(/^[a-z_]+$/, "must be scope names")) });

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, "app/scopes_update", scopesUpdateSchema, async ({ shop, payload }) => {
    await updateGrantedScopes(shop, payload.current);
  });
