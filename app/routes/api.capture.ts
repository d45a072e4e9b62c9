import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleCapture } from "../capture/capture-request.server";
import { publicApiAction, publicApiLoader } from "../http/public-api";

export const loader = ({ request }: LoaderFunctionArgs) => publicApiLoader(request);
export const action = ({ request }: ActionFunctionArgs) => publicApiAction(request, (r) => handleCapture(r));
