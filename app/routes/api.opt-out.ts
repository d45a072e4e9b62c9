import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { publicApiAction, publicApiLoader } from "../http/public-api";
import { queueOptOutWriteBack } from "../consent/consent-sync.server";
import { handleOptOut } from "../opt-out/opt-out-request.server";

// A BSP reports a buyer's opt-out, signed with its endpoint's secret (docs/bsp/opt-out.md).
export const loader = ({ request }: LoaderFunctionArgs) => publicApiLoader(request);
// A new opt-out is also written back to the phone's Shopify customers, in the detector's pass (consent sync).
export const action = ({ request }: ActionFunctionArgs) =>
  publicApiAction(request, (r) => handleOptOut(r, new Date(), (shop, optOut, now) => queueOptOutWriteBack(shop, optOut.phoneE164, optOut.optedOutAt, now)));
