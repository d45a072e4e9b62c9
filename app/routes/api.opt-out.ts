import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { publicApiAction, publicApiLoader } from "../http/public-api";
import { handleOptOut } from "../opt-out/opt-out-request.server";

// A BSP reports a buyer's opt-out, signed with its endpoint's secret (docs/bsp/opt-out.md).
export const loader = ({ request }: LoaderFunctionArgs) => publicApiLoader(request);
export const action = ({ request }: ActionFunctionArgs) => publicApiAction(request, (r) => handleOptOut(r));
