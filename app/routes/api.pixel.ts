import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { publicApiAction, publicApiLoader } from "../http/public-api";
import { handlePixel } from "../pixel/pixel-request.server";

export const loader = ({ request }: LoaderFunctionArgs) => publicApiLoader(request);
export const action = ({ request }: ActionFunctionArgs) => publicApiAction(request, handlePixel);
