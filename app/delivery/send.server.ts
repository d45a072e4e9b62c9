import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { Agent, request as undiciRequest } from "undici";
import { boundedMemo } from "../bounded-memo";
import { BlockedAddressError, checkEndpointUrl, guardedLookup, type GuardOptions } from "./ssrf-guard";

// One HTTP attempt of a delivery (DESIGN.md "Delivery policy"): 10 s for the
// whole exchange, no redirects, any 2xx is success, and the address connected
// to always passes the SSRF guard.

export type DeliveryMethod = "POST" | "PUT";

/** The method an endpoint is sent with: PUT when it says so, POST otherwise. */
export const deliveryMethod = (stored: string): DeliveryMethod => (stored === "PUT" ? "PUT" : "POST");

export interface OutgoingRequest {
  url: string;
  method: DeliveryMethod;
  headers: Record<string, string>;
  body: string;
}

export type AttemptErrorKind = "timeout" | "http" | "network" | "blocked_address";

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  errorKind: AttemptErrorKind | null;
  errorMessage: string | null;
  responseExcerpt: string | null;
  retryAfterMs: number | null;
}

export interface SendOptions extends GuardOptions {
  /** Budget for connecting, sending and reading the response. */
  timeoutMs?: number;
  /** Wall clock (ms) that turns an HTTP-date Retry-After into a delay; durations use a monotonic clock. */
  now?: () => number;
}

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RESPONSE_EXCERPT_BYTES = 4096;
const MAX_ERROR_MESSAGE_LENGTH = 300;

const agents = new Map<boolean, Agent>();

/** checkEndpointUrl is pure in its arguments; an attempt asks it again for a URL seen before. */
const checkedUrls = boundedMemo<ReturnType<typeof checkEndpointUrl>>(1000);

function checkedUrl(url: string, options: SendOptions): ReturnType<typeof checkEndpointUrl> {
  return checkedUrls(`${options.allowLoopback}\n${url}`, () => checkEndpointUrl(url, options));
}

function agentFor(allowLoopback: boolean): Agent {
  let agent = agents.get(allowLoopback);
  if (!agent) {
    agent = new Agent({
      // undici 7+ follows no redirects unless a redirect interceptor is composed in.
      connect: { lookup: guardedLookup({ allowLoopback }), timeout: DELIVERY_TIMEOUT_MS },
    });
    agents.set(allowLoopback, agent);
  }
  return agent;
}

/** Closes the pooled keep-alive connections; for graceful shutdown. */
export async function closeDeliveryAgents(): Promise<void> {
  const open = [...agents.values()];
  agents.clear();
  await Promise.all(open.map((agent) => agent.close()));
}

/** Delay asked for by a Retry-After header (delta-seconds or HTTP-date), or null if absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // All three HTTP-date forms start with a day name; this keeps Date.parse's loose guessing out.
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** The first RESPONSE_EXCERPT_BYTES of a response body; the rest is not read. Events, not an async iterator: this runs once per attempt. */
function readExcerpt(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean) => {
      body.off("data", onData);
      const decoder = new StringDecoder("utf8");
      const bytes = Buffer.concat(chunks);
      // A cut excerpt drops a trailing partial character instead of decoding it as U+FFFD.
      resolve(truncated ? decoder.write(bytes) : decoder.end(bytes));
    };
    const onData = (chunk: Buffer) => {
      const room = RESPONSE_EXCERPT_BYTES - size;
      // Copy the slice so a large chunk is not kept alive by a view into it.
      chunks.push(chunk.length > room ? Buffer.from(chunk.subarray(0, room)) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= RESPONSE_EXCERPT_BYTES) {
        finish(true);
        body.destroy();
      }
    };
    body.on("data", onData);
    body.once("end", () => finish(false));
    body.once("error", reject);
  });
}

function short(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > MAX_ERROR_MESSAGE_LENGTH ? `${line.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : line;
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): { kind: AttemptErrorKind; message: string } {
  const err = error instanceof Error ? (error as Error & { code?: string; kind?: string; cause?: unknown }) : null;
  const blocked = error instanceof BlockedAddressError ? error : err?.cause instanceof BlockedAddressError ? err.cause : null;
  if (blocked) return { kind: "blocked_address", message: short(blocked.message) };
  if (timedOut || (err?.code && TIMEOUT_CODES.has(err.code))) {
    return { kind: "timeout", message: `no complete response within ${timeoutMs} ms` };
  }
  if (!err) return { kind: "network", message: short(String(error)) };
  // Happy eyeballs reports one failure per address tried, with an empty message of its own.
  if (error instanceof AggregateError && error.errors[0] instanceof Error && error.message === "") {
    return describeFailure(error.errors[0], timedOut, timeoutMs);
  }
  const code = err.code ?? (err.cause as { code?: string } | undefined)?.code;
  const text = err.message || (err.cause instanceof Error ? err.cause.message : "") || err.name;
  return { kind: "network", message: short(code && !text.includes(code) ? `${code}: ${text}` : text) };
}

/** Sends one attempt; never throws for network problems, always resolves with what happened. */
export async function sendWebhook(request: OutgoingRequest, options: SendOptions): Promise<AttemptResult> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const started = performance.now();
  const result = (fields: Partial<AttemptResult>): AttemptResult => ({
    ok: false,
    statusCode: null,
    errorKind: null,
    errorMessage: null,
    responseExcerpt: null,
    retryAfterMs: null,
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });

  // IP literals never reach the lookup, so this check is their connect-time check too.
  const checked = checkedUrl(request.url, options);
  if (!checked.ok) return result({ errorKind: "blocked_address", errorMessage: checked.reason });

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no complete response within ${timeoutMs} ms`));
  }, timeoutMs);
  let statusCode: number | null = null;
  try {
    const response = await undiciRequest(checked.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      dispatcher: agentFor(options.allowLoopback),
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    statusCode = response.statusCode;
    const responseExcerpt = await readExcerpt(response.body);
    const ok = statusCode >= 200 && statusCode < 300;
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(response.headers["retry-after"], now()) : null;
    let errorMessage: string | null = null;
    if (!ok) {
      const location = [response.headers.location ?? []].flat().join(", ");
      errorMessage =
        statusCode >= 300 && statusCode < 400
          ? short(`HTTP ${statusCode} redirect not followed${location ? ` (Location: ${location})` : ""}`)
          : `HTTP ${statusCode}`;
    }
    return result({ ok, statusCode, errorKind: ok ? null : "http", errorMessage, responseExcerpt, retryAfterMs });
  } catch (error) {
    const failure = describeFailure(error, timedOut, timeoutMs);
    return result({ statusCode, errorKind: failure.kind, errorMessage: failure.message });
  } finally {
    clearTimeout(timer);
  }
}
