import { logger } from "../logger.server";
import { AppError } from "../errors";
import { errorResponse, jsonError } from "./errors";

// Shopify's authenticate helpers throw bare responses; callers get a reason.
const BARE_STATUS_MESSAGES: Record<number, string> = {
  400: "the request is not a valid Shopify webhook",
  401: "unauthorized: the signature or session token is missing or invalid",
  405: "method not allowed",
  410: "requests that identify as bots are not served",
};

function explained(response: Response): Response {
  if (response.status < 400 || response.body !== null) return response;
  const message = BARE_STATUS_MESSAGES[response.status] ?? (response.statusText || "request refused");
  return jsonError(response.status, message, Object.fromEntries(response.headers));
}

/**
 * Runs a request handler and turns what it throws into a response: Remix
 * responses thrown by Shopify's authenticate helpers pass through (with a
 * message when they have no body), app errors become `{error}` JSON with their kind's status, anything
 * else a logged 500 without internals.
 */
export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Response) return explained(error);
    if (error instanceof AppError) return errorResponse(error);
    logger.error({ err: error }, "unhandled error");
    return errorResponse(new AppError("internal", "internal error"));
  }
}
