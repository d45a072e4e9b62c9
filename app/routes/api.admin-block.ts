import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { checkoutStory } from "../admin-block/checkout-story.server";
import { describeZodError } from "../http/validation";
import { resendDelivery, ResendError } from "../delivery/delivery-log.server";
import { AppError } from "../errors";
import { errorResponse } from "../http/errors";
import { ensureShop, findShop } from "../shops/shop.server";
import { authenticate } from "../shopify.server";

// The backend of the Cart Relay admin block (extensions/admin-block): the
// block's fetch carries Shopify's ID token, which authenticate.admin checks
// (and answers the CORS preflight of the extension's origin); every query is
// scoped to the token's shop.

const lookupSchema = z.union([
  z.object({ orderId: z.string().regex(/^\d{1,20}$/, "must be a numeric order id") }),
  z.object({ recoveryUrl: z.url({ error: "must be the checkout's recovery URL" }).max(2048) }),
]);
const resendSchema = z.object({ deliveryId: z.string({ error: "must be a string" }).min(1, "must not be empty").max(64) });

async function context(request: Request) {
  const { session, cors } = await authenticate.admin(request);
  const shop = (await findShop(session.shop)) ?? (await ensureShop(session.shop, { scopes: session.scope ?? null }));
  return { shop, cors };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, cors } = await context(request);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const lookup = lookupSchema.safeParse(params.orderId ? { orderId: params.orderId } : { recoveryUrl: params.recoveryUrl });
  if (!lookup.success) return cors(json({ error: describeZodError(lookup.error) }, { status: 400 }));
  const story = await checkoutStory(shop.id, lookup.data);
  return cors(story ? json(story) : json({ error: "Cart Relay captured nothing for this checkout" }, { status: 404 }));
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop, cors } = await context(request);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return cors(json({ error: "body must be JSON: {deliveryId}" }, { status: 400 }));
  }
  const parsed = resendSchema.safeParse(body);
  if (!parsed.success) return cors(json({ error: describeZodError(parsed.error) }, { status: 400 }));
  try {
    const delivery = await resendDelivery(shop, parsed.data.deliveryId);
    return cors(json({ ok: true, delivery: { id: delivery.id, status: delivery.status } }));
  } catch (error) {
    if (error instanceof AppError) return cors(errorResponse(error));
    if (error instanceof ResendError) return cors(json({ error: error.message, kind: error.kind }, { status: 409 }));
    throw error;
  }
}
