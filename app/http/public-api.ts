import { preflightResponse, PUBLIC_CORS_HEADERS } from "./cors";
import { MAX_BODY_BYTES, readBodyText } from "./read-json";
import { answerOf, methodNotAllowed, type PublicAnswer, type PublicApiHandler, type PublicApiRequest } from "./public-answer";

// The capture and pixel endpoints as Remix routes (the dev server, and tests
// that call a route's action): the same handlers the lean path in server.mjs
// runs, fed from a Fetch Request. Remix hands OPTIONS (and GET) to a route's
// loader and POST to its action.

function responseOf(answer: PublicAnswer): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { ...PUBLIC_CORS_HEADERS, "content-type": "application/json", ...answer.headers },
  });
}

function fetchRequest(request: Request): PublicApiRequest {
  return {
    method: request.method,
    header: (name) => request.headers.get(name) ?? undefined,
    socketAddress: null,
    readBody: () => (request.body ? readBodyText(request, MAX_BODY_BYTES) : Promise.resolve("")),
  };
}

export async function publicApiLoader(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return preflightResponse();
  return responseOf(methodNotAllowed(request.method));
}

export async function publicApiAction(request: Request, handle: PublicApiHandler): Promise<Response> {
  if (request.method !== "POST") return responseOf(methodNotAllowed(request.method));
  return responseOf(await answerOf(() => handle(fetchRequest(request))));
}
