import { createHmac, timingSafeEqual } from "node:crypto";
import { standardWebhooksKey } from "./endpoint-secret";

// The two signature schemes of DESIGN.md "Headers on every delivery".

/** How far a receiver lets `x-webhook-timestamp` drift from its own clock. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** `x-webhook-signature`: base64(HMAC-SHA256(key = secret as UTF-8, message = timestampMs + body)). */
export function cashfreeSignature(secret: string, timestampMs: string, body: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(timestampMs + body, "utf8")
    .digest("base64");
}

/** One `webhook-signature` entry: `v1,<base64>` over `${id}.${timestamp}.${body}` with the decoded whsec_ key. */
export function standardWebhooksSignature(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const digest = createHmac("sha256", standardWebhooksKey(secret)).update(`${msgId}.${timestampSeconds}.${body}`, "utf8").digest("base64");
  return `v1,${digest}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: "stale_timestamp" | "bad_signature" | "missing" };

/**
 * What a receiver (the demo BSP inbox, the admin's receiver check) does with
 * our Cashfree-style headers: reject missing or stale timestamps, then compare
 * the signature in constant time.
 */
export function verifyCashfreeSignature(input: {
  secret: string;
  timestampMs: string;
  body: string;
  signature: string;
  nowMs: number;
  toleranceMs?: number;
}): SignatureCheck {
  const { secret, timestampMs, body, signature, nowMs, toleranceMs = SIGNATURE_TOLERANCE_MS } = input;
  if (!secret || !timestampMs || !signature) return { valid: false, reason: "missing" };
  if (!/^\d{1,16}$/.test(timestampMs) || Math.abs(nowMs - Number(timestampMs)) > toleranceMs) {
    return { valid: false, reason: "stale_timestamp" };
  }
  // Compared as canonical base64 text: a lenient decoder would accept trailing junk.
  const expected = Buffer.from(cashfreeSignature(secret, timestampMs, body), "utf8");
  const given = Buffer.from(signature.trim(), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: "bad_signature" };
  return { valid: true };
}
