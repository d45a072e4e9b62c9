import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env.server";
import { AppError } from "../errors";
import { loneSurrogatePath } from "../http/lone-surrogate";
import { isMyshopifyDomain, shopMismatch, type WebhookTopic } from "./topics";

// Shopify's largest payloads (orders with hundreds of lines) stay well under this.
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;
// Shopify retries a failed delivery for 48 hours; anything older is a replay.
export const STALE_WEBHOOK_MS = 72 * 60 * 60_000;
// X-Shopify-Triggered-At comes from Shopify's clock; this much ahead of ours is still plausible.
export const WEBHOOK_CLOCK_SKEW_MS = 5 * 60_000;
/**
 * Bytes of not yet verified webhook bodies this process holds at once. Until
 * its HMAC checks out a body could be anyone's, so a flood of large unsigned
 * posts gets 503 (Shopify retries) instead of growing memory without bound.
 */
export const UNVERIFIED_BODY_BUDGET_BYTES = 2 * MAX_WEBHOOK_BYTES;

let unverifiedBytes = 0;

/** For tests: the bytes of unverified bodies held right now. */
export function unverifiedBodyBytes(): number {
  return unverifiedBytes;
}

const busy = () => new AppError("unavailable", "too many webhook bodies are being received at once; retry later", { headers: { "retry-after": "5" } });

/**
 * Reads the body while computing its HMAC, holding at most `limit` bytes and
 * never more than this process's budget of unverified bytes in total.
 */
async function readSigned(request: Request, secret: string): Promise<{ body: Buffer; digest: Buffer }> {
  const tooLarge = new AppError("too_large", `body must be at most ${MAX_WEBHOOK_BYTES} bytes`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) throw tooLarge;
  const hmac = createHmac("sha256", secret);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let held = 0;
  const hold = (bytes: number) => {
    if (unverifiedBytes + bytes > UNVERIFIED_BODY_BUDGET_BYTES) throw busy();
    unverifiedBytes += bytes;
    held += bytes;
  };
  try {
    if (declared > 0) hold(declared);
    const reader = request.body?.getReader();
    try {
      for (;;) {
        if (!reader) break;
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_WEBHOOK_BYTES) throw tooLarge;
        if (size > held) hold(size - held);
        hmac.update(value);
        chunks.push(value);
      }
    } catch (error) {
      await reader?.cancel().catch(() => {});
      throw error;
    }
    return { body: Buffer.concat(chunks, size), digest: hmac.digest() };
  } finally {
    unverifiedBytes -= held;
  }
}

function signatureMatches(header: string | null, digest: Buffer): boolean {
  if (!header) return false;
  const claimed = Buffer.from(header, "base64");
  return claimed.length === digest.length && timingSafeEqual(claimed, digest);
}

export interface VerifiedWebhook {
  shop: string;
  topic: WebhookTopic;
  webhookId: string | undefined;
  payload: unknown;
}

/**
 * A Shopify webhook for `topic`, checked in the order that costs least:
 * headers (400), then the HMAC over the streamed body (401), then that the
 * signed payload is JSON, valid Unicode and names the header's shop (400).
 *
 * X-Shopify-Triggered-At is required: Shopify sends it on every delivery, so
 * one without it is not Shopify's and its age cannot be judged (400).
 */
export async function verifyWebhook(request: Request, topic: WebhookTopic, now = Date.now()): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw new AppError("method_not_allowed", "method not allowed", { headers: { allow: "POST" } });
  const headerTopic = request.headers.get("x-shopify-topic");
  if (headerTopic !== topic) throw new AppError("bad_input", `X-Shopify-Topic must be ${topic} on this route (got ${headerTopic ?? "none"})`);
  const shop = (request.headers.get("x-shopify-shop-domain") ?? "").toLowerCase();
  if (!isMyshopifyDomain(shop)) throw new AppError("bad_input", "X-Shopify-Shop-Domain must be a myshopify.com domain");
  const triggeredHeader = request.headers.get("x-shopify-triggered-at");
  if (!triggeredHeader) throw new AppError("bad_input", "X-Shopify-Triggered-At is required");
  const triggeredAt = Date.parse(triggeredHeader);
  if (!Number.isFinite(triggeredAt)) throw new AppError("bad_input", "X-Shopify-Triggered-At must be a date");
  if (now - triggeredAt > STALE_WEBHOOK_MS) {
    throw new AppError("bad_input", `webhook delivery is stale: triggered at ${new Date(triggeredAt).toISOString()}`);
  }
  if (triggeredAt - now > WEBHOOK_CLOCK_SKEW_MS) throw new AppError("bad_input", "X-Shopify-Triggered-At is in the future");

  const { body, digest } = await readSigned(request, env.SHOPIFY_API_SECRET);
  if (!signatureMatches(request.headers.get("x-shopify-hmac-sha256"), digest)) {
    throw new AppError("unauthorized", "unauthorized: the webhook signature is missing or invalid");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new AppError("bad_input", "body is not valid JSON");
  }
  const surrogate = loneSurrogatePath(payload);
  if (surrogate !== null) throw new AppError("bad_input", `${surrogate} contains a lone UTF-16 surrogate`);
  const mismatch = shopMismatch(topic, shop, payload);
  if (mismatch) throw new AppError("bad_input", mismatch);
  return { shop, topic, webhookId: request.headers.get("x-shopify-webhook-id") ?? undefined, payload };
}
