import type { AppError } from "../errors";

/** `{error}` JSON with its status: how every route says what it refused. */
export function jsonError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: message }), { status, headers: { "content-type": "application/json", ...headers } });
}

/** An app error answered with its kind's status, its message and its headers. */
export function errorResponse(error: AppError): Response {
  return jsonError(error.status, error.message, error.headers);
}
