import { preflightResponse, withPublicCors } from "./cors";
import { HttpError } from "./errors";
import { respond } from "./respond";

// The capture and pixel endpoints are called from Shopify's sandboxed
// origins: CORS on every answer, POST only. Remix hands OPTIONS (and GET) to
// a route's loader and POST to its action.

export async function publicApiLoader(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return preflightResponse();
  return withPublicCors(await respond(async () => { throw new HttpError(405, `use POST, not ${request.method}`); }));
}

export async function publicApiAction(request: Request, handle: (request: Request) => Promise<Response>): Promise<Response> {
  return withPublicCors(
    await respond(async () => {
      if (request.method !== "POST") throw new HttpError(405, `use POST, not ${request.method}`);
      return handle(request);
    }),
  );
}
