import { randomUUID } from "node:crypto";
import type { Endpoint, Shop } from "@prisma/client";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { openWithAppKey } from "../crypto/keyring.server";
import { deliveryBody } from "../events/subscriptions";
import { shopEndpoint } from "../endpoints/endpoint.server";
import { takeAdminSend } from "./admin-send-throttle.server";
import { generateEndpointSecret } from "../events/endpoint-secret";
import { deliveryHeaders } from "../events/headers";
import { buildTestPayload } from "../events/payload/cart-payload";
import type { PayloadFormat } from "../events/payload/formats";
import { deliveryMethod, sendWebhook, type AttemptResult } from "./send.server";
import { SIGNATURE_TOLERANCE_MS } from "../events/sign";

// "Check receiver": proves that an endpoint verifies what we send. Three test
// events go through the real signing and sending code: one valid (must get
// 2xx), one signed with a wrong secret and one with a timestamp far outside
// the tolerance (both must get 4xx). A receiver that answers 2xx to either
// forgery accepts events anyone could send it, and is flagged. Nothing is
// stored: forged requests have no place in the delivery log or the metrics.

export const RECEIVER_CHECKS = ["valid", "bad_signature", "stale_timestamp"] as const;
export type ReceiverCheckKind = (typeof RECEIVER_CHECKS)[number];

/** How old the stale request's timestamp is: well past any sane tolerance (ours is 5 minutes). */
export const STALE_TIMESTAMP_AGE_MS = 12 * SIGNATURE_TOLERANCE_MS;
const RESPONSE_START_CHARS = 300;
/**
 * Each check waits this long for an answer (deliveries wait 30 s). A merchant
 * waits on the page, and a receiver that cannot answer a test in 5 s has
 * failed the check; after a timeout the remaining checks are not sent.
 */
export const RECEIVER_CHECK_TIMEOUT_MS = 5_000;

export interface ReceiverCheckStep {
  check: ReceiverCheckKind;
  expected: "2xx" | "4xx";
  passed: boolean;
  statusCode: number | null;
  durationMs: number;
  errorKind: string | null;
  errorMessage: string | null;
  responseStart: string | null;
  eventId: string;
}

export interface ReceiverCheckResult {
  endpointId: string;
  checkedAt: string;
  passed: boolean;
  /** a forged (bad signature or stale) event was answered 2xx */
  acceptsForged: boolean;
  steps: ReceiverCheckStep[];
}

const is2xx = (status: number | null) => status !== null && status >= 200 && status < 300;
const is4xx = (status: number | null) => status !== null && status >= 400 && status < 500;

/** Whether a receiver answered one check as a verifying receiver must. */
export function judgeStep(check: ReceiverCheckKind, result: Pick<AttemptResult, "statusCode">): { passed: boolean; acceptsForged: boolean } {
  if (check === "valid") return { passed: is2xx(result.statusCode), acceptsForged: false };
  return { passed: is4xx(result.statusCode), acceptsForged: is2xx(result.statusCode) };
}

function request(shop: Shop, endpoint: Endpoint, secret: string, check: ReceiverCheckKind, now: Date) {
  const eventId = randomUUID();
  const body = deliveryBody(buildTestPayload(shop, { eventId, topic: "test", createdAt: now }), "test", endpoint);
  const forgedSecret = check === "bad_signature" ? generateEndpointSecret() : secret;
  const timestampMs = check === "stale_timestamp" ? now.getTime() - STALE_TIMESTAMP_AGE_MS : now.getTime();
  const headers = deliveryHeaders({
    shopDomain: shop.domain,
    topic: "test",
    format: endpoint.format as PayloadFormat,
    body,
    eventId,
    attempt: 1,
    requestId: randomUUID(),
    timestampMs,
    secrets: { current: forgedSecret },
    standardWebhooks: endpoint.standardWebhooks,
    customHeaders: endpoint.customHeaders as Record<string, string> | null,
  });
  return { eventId, outgoing: { url: endpoint.url, method: deliveryMethod(endpoint.method), headers, body } };
}

export async function checkReceiver(shop: Shop, endpointId: string, options: { now?: () => Date; timeoutMs?: number } = {}): Promise<ReceiverCheckResult> {
  const now = options.now ?? (() => new Date());
  const throttle = takeAdminSend(shop.id, "Check receiver", now());
  try {
    return await runChecks(shop, endpointId, now, options.timeoutMs ?? RECEIVER_CHECK_TIMEOUT_MS);
  } finally {
    throttle.release();
  }
}

async function runChecks(shop: Shop, endpointId: string, now: () => Date, timeoutMs: number): Promise<ReceiverCheckResult> {
  const endpoint = await shopEndpoint(shop.id, endpointId);
  const secret = openWithAppKey(endpoint.secretCiphertext);
  const steps: ReceiverCheckStep[] = [];
  // One after the other: a receiver that rate-limits should not fail the check for our haste.
  for (const check of RECEIVER_CHECKS) {
    const { eventId, outgoing } = request(shop, endpoint, secret, check, now());
    const expected = check === "valid" ? "2xx" : "4xx";
    if (steps.some((step) => step.errorKind === "timeout")) {
      steps.push({
        check,
        expected,
        passed: false,
        statusCode: null,
        durationMs: 0,
        errorKind: null,
        errorMessage: "not sent: the receiver did not answer an earlier check",
        responseStart: null,
        eventId,
      });
      continue;
    }
    const result = await sendWebhook(outgoing, { allowLoopback: env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS, timeoutMs });
    const { passed } = judgeStep(check, result);
    steps.push({
      check,
      expected,
      passed,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      errorKind: result.errorKind,
      errorMessage: result.errorMessage,
      responseStart: result.responseExcerpt?.slice(0, RESPONSE_START_CHARS) ?? null,
      eventId,
    });
  }
  const acceptsForged = steps.some((step) => judgeStep(step.check, step).acceptsForged);
  const result: ReceiverCheckResult = {
    endpointId: endpoint.id,
    checkedAt: now().toISOString(),
    passed: steps.every((step) => step.passed),
    acceptsForged,
    steps,
  };
  logger.info({ shop: shop.domain, endpointId: endpoint.id, passed: result.passed, acceptsForged, statuses: steps.map((s) => s.statusCode) }, "receiver check");
  return result;
}
