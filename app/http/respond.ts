import { logger } from "../logger.server";
import { errorResponse, HttpError } from "./errors";

/**
 * Runs a request handler and turns what it throws into a response: Remix
 * responses thrown by Shopify's authenticate helpers pass through, HttpErrors
 * become `{error}` JSON, anything else a logged 500 without internals.
 */
export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Response) return error;
    if (error instanceof HttpError) return errorResponse(error);
    logger.error({ err: error }, "unhandled error");
    return errorResponse(new HttpError(500, "internal error"));
  }
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
