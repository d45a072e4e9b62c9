import type { LoaderFunctionArgs } from "@remix-run/node";
import { trustedExitIframeDestination } from "../admin/exit-iframe";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";
import { AppError } from "../errors";
import { errorResponse } from "../http/errors";

// OAuth callbacks and the embedded bounce page; the library answers them.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.pathname === "/auth/exit-iframe" && !trustedExitIframeDestination(url, env.SHOPIFY_APP_URL)) {
    return errorResponse(new AppError("bad_input", "exitIframe must be a page of this app, admin.shopify.com or the shop's own admin"));
  }
  await authenticate.admin(request);
  return null;
}
