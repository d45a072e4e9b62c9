import { logger } from "../logger.server";
import { AppError } from "../errors";
import { LONE_SURROGATE_MESSAGE, loneSurrogatePath } from "./validation";

// The capture and pixel endpoints, independent of the HTTP stack that carries
// them: the lean node:http path in server.mjs and the Remix routes (dev
// server, tests) both hand a PublicApiRequest to the same handler.

export interface PublicApiRequest {
  method: string;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
  /** The TCP peer's address; null when the transport does not say. */
  socketAddress: string | null;
  /** The body, at most MAX_BODY_BYTES; rejects with a too_large AppError beyond. */
  readBody(): Promise<Buffer | string>;
}

export interface PublicAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type PublicApiHandler = (request: PublicApiRequest) => Promise<PublicAnswer>;

export function methodNotAllowed(method: string): PublicAnswer {
  return { status: 405, body: { error: `use POST, not ${method}` } };
}

/** Runs a handler; app errors become `{error}` answers with their kind's status, anything else a logged 500 without internals. */
export async function answerOf(handler: () => Promise<PublicAnswer>): Promise<PublicAnswer> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, body: { error: error.message }, headers: error.headers };
    logger.error({ err: error }, "unhandled error");
    return { status: 500, body: { error: "internal error" } };
  }
}

/** A JSON body, parsed once: 400 when it is empty, does not parse or holds text no database can store. */
export function parseJsonBody(body: Buffer | string): unknown {
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (text.trim() === "") throw new AppError("bad_input", "body must be a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("bad_input", "body is not valid JSON");
  }
  const surrogate = loneSurrogatePath(value);
  if (surrogate) throw new AppError("bad_input", `${surrogate} ${LONE_SURROGATE_MESSAGE}`);
  return value;
}

/** Charges a budget; 429 with Retry-After when it is spent. */
export async function charge(
  budget: { take(key: string, nowMs: number): Promise<number | null> | number | null },
  key: string,
  nowMs: number,
  message: string,
): Promise<void> {
  const retryAfter = await budget.take(key, nowMs);
  if (retryAfter !== null) throw new AppError("rate_limited", message, { headers: { "retry-after": String(retryAfter) } });
}
