import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { preflightResponse, withPublicCors } from "../http/cors";
import { HttpError } from "../http/errors";
import { respond } from "../http/respond";
import { handlePixel } from "../pixel/pixel-request.server";

// Remix hands OPTIONS to the loader, POST to the action.
export async function loader({ request }: LoaderFunctionArgs) {
  if (request.method === "OPTIONS") return preflightResponse();
  return withPublicCors(await respond(async () => { throw new HttpError(405, `use POST, not ${request.method}`); }));
}

export async function action({ request }: ActionFunctionArgs) {
  return withPublicCors(
    await respond(async () => {
      if (request.method !== "POST") throw new HttpError(405, `use POST, not ${request.method}`);
      return handlePixel(request);
    }),
  );
}
