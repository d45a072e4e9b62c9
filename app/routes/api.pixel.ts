import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { publicApiAction, publicApiLoader } from "../http/public-api";
import { handlePixel } from "../pixel/pixel-request.server";

// server.mjs answers this path on its lean path before Remix; this route serves the dev server and tests.
export const loader = ({ request }: LoaderFunctionArgs) => publicApiLoader(request);
export const action = ({ request }: ActionFunctionArgs) => publicApiAction(request, (r) => handlePixel(r));
