import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleCapture } from "../capture/capture-request.server";
import { preflightResponse, withPublicCors } from "../http/cors";
import { HttpError } from "../http/errors";
import { respond } from "../http/respond";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method === "OPTIONS") return preflightResponse();
  return withPublicCors(
    await respond(async () => {
      if (request.method !== "POST") throw new HttpError(405, "use POST");
      return handleCapture(request);
    }),
  );
}

export async function loader({ request }: LoaderFunctionArgs) {
  return withPublicCors(await respond(async () => { throw new HttpError(405, `use POST, not ${request.method}`); }));
}
