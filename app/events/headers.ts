import { z } from "zod";
import pkg from "../../package.json" with { type: "json" };
import { FORMAT_VERSION, type PayloadFormat } from "./payload/formats";
import { cashfreeSignature, standardWebhooksSignature } from "./sign";

// Every header of one delivery attempt (DESIGN.md "Headers on every delivery").

export const USER_AGENT = `CartRelay/${pkg.version}`;

export interface DeliveryHeaderInput {
  shopDomain: string;
  topic: string;
  format: PayloadFormat;
  body: string;
  eventId: string;
  attempt: number;
  requestId: string;
  timestampMs: number;
  /** Plain whsec_ strings; `previous` only while it is inside its rotation grace period. */
  secrets: { current: string; previous?: string | null };
  standardWebhooks: boolean;
  customHeaders?: Record<string, string> | null;
}

/** Names a merchant's custom headers may never set: ours, and those the HTTP client owns. */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "user-agent",
  "x-store-url",
  "x-webhook-topic",
  "x-webhook-version",
  "x-webhook-timestamp",
  "x-webhook-signature",
  "x-webhook-signature-previous",
  "x-webhook-attempt",
  "x-idempotency-key",
  "x-request-id",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
]);

// Whole families are ours, so a future header cannot be pre-empted by a merchant's.
const RESERVED_PREFIXES = ["x-webhook-", "webhook-"];

export function isReservedHeaderName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return RESERVED_HEADER_NAMES.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

// RFC 9110 token characters; values may not break the header line.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

/** Why a custom header cannot be sent, or null when it can. */
export function customHeaderProblem(name: string, value: string): string | null {
  if (!HEADER_NAME.test(name)) return `header name "${name}" may contain only letters, digits and !#$%&'*+.^_\`|~-`;
  if (isReservedHeaderName(name)) return `header "${name}" is set by Cart Relay and cannot be overridden`;
  if (typeof value !== "string" || !HEADER_VALUE.test(value)) return `header "${name}" value must be one line of text`;
  if (value.length > 4096) return `header "${name}" value must be at most 4096 characters`;
  return null;
}

/** Save-time check of an endpoint's custom headers; the message names the offending header. */
export const customHeadersSchema = z.record(z.string(), z.string({ error: "header values must be strings" })).superRefine((headers, ctx) => {
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const problem = customHeaderProblem(name, value);
    if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
    const lower = name.toLowerCase();
    if (seen.has(lower)) ctx.addIssue({ code: "custom", path: [name], message: `header "${name}" is listed twice` });
    seen.add(lower);
  }
  if (seen.size > 20) ctx.addIssue({ code: "custom", path: [], message: "at most 20 custom headers" });
});

export function deliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  const timestampMs = String(Math.trunc(input.timestampMs));
  const previous = input.secrets.previous && input.secrets.previous !== input.secrets.current ? input.secrets.previous : null;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "x-store-url": input.shopDomain,
    "x-webhook-topic": input.topic,
    "x-webhook-version": FORMAT_VERSION[input.format],
    "x-webhook-timestamp": timestampMs,
    "x-webhook-signature": cashfreeSignature(input.secrets.current, timestampMs, input.body),
    "x-webhook-attempt": String(input.attempt),
    "x-idempotency-key": input.eventId,
    "x-request-id": input.requestId,
  };
  if (previous) headers["x-webhook-signature-previous"] = cashfreeSignature(previous, timestampMs, input.body);

  if (input.standardWebhooks) {
    // webhook-id is the message id, identical across retries, as the spec asks.
    const seconds = Math.floor(input.timestampMs / 1000);
    const signatures = [standardWebhooksSignature(input.secrets.current, input.eventId, seconds, input.body)];
    if (previous) signatures.push(standardWebhooksSignature(previous, input.eventId, seconds, input.body));
    headers["webhook-id"] = input.eventId;
    headers["webhook-timestamp"] = String(seconds);
    headers["webhook-signature"] = signatures.join(" ");
  }

  for (const [name, value] of Object.entries(input.customHeaders ?? {})) {
    // Invalid ones are refused at save time (customHeadersSchema); never let one through here.
    if (customHeaderProblem(name, value) === null) headers[name.toLowerCase()] = value;
  }
  return headers;
}

const SIGNATURE_HEADERS = new Set(["x-webhook-signature", "x-webhook-signature-previous", "webhook-signature"]);
const SECRET_LOOKING = /authorization|cookie|token|key|secret|passw|auth|signature|credential|session/i;
export const REDACTED = "[redacted]";

/** Headers as they may be stored in the delivery log: signatures and secret-looking custom headers replaced. */
export function redactHeadersForLog(headers: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const secret = SIGNATURE_HEADERS.has(lower) || (!isReservedHeaderName(lower) && SECRET_LOOKING.test(lower));
    redacted[name] = secret ? REDACTED : value;
  }
  return redacted;
}
