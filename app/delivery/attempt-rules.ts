// What the worker does before and after one attempt (DESIGN.md "Delivery
// policy"), pure: the clock and randomness come in as arguments.
import type { Prisma } from "@prisma/client";
import { nextRetryAt, type RetryPolicy } from "./retry-policy";
import { releaseAfterQuietHours, type QuietHours } from "./quiet-hours";
import type { AttemptResult } from "./send.server";
import type { DeliveryStatus } from "./delivery-statuses";
import { CONTROL_TOPICS } from "../events/payload/formats";
import { HOUR_MS } from "../time";

export { CONTROL_TOPICS };

export type { DeliveryStatus } from "./delivery-statuses";

/** Who is sent what: an active endpoint every topic it takes, any other only the control topics (its own status, tests). */
export function endpointTakes(endpointStatus: string, topic: string): boolean {
  return endpointStatus === "active" || CONTROL_TOPICS.has(topic);
}

/** The same rule as a filter on Delivery rows, for the queries that find claimable work. */
export const CLAIMABLE_ENDPOINT = { OR: [{ endpoint: { status: "active" } }, { topic: { in: [...CONTROL_TOPICS] } }] } satisfies Prisma.DeliveryWhereInput;

export interface BeforeAttempt {
  topic: string;
  checkoutOrderId: string | null;
  eventExpiresAt: Date;
  endpointStatus: string;
  quietHours: QuietHours | null;
  /** The shop uninstalled the app: only its integrationStatus messages still go out. */
  shopUninstalled?: boolean;
  /** The body was redacted (customers/redact): it must never go out under the event's idempotency key. */
  bodyRedacted?: boolean;
  /** A BSP reported that the checkout's phone opted out (POST /api/opt-out). */
  buyerOptedOut?: boolean;
}

export type BeforeDecision =
  | { kind: "send" }
  | { kind: "cancel"; status: "cancelled_converted" | "expired" | "cancelled"; reason: string; errorKind?: string }
  | { kind: "defer"; until: Date };

/** The error kind of a cart message dropped because the buyer opted out. */
export const OPTED_OUT_ERROR_KIND = "opted_out";

/** What a privacy redaction leaves in a delivery's body. */
export const REDACTED_BODY = '{"redacted":true}';

export function beforeAttempt(input: BeforeAttempt, now: Date): BeforeDecision {
  if (input.bodyRedacted) return { kind: "cancel", status: "cancelled", reason: "the customer's data was redacted" };
  if (input.shopUninstalled && input.topic !== "integrationStatus") {
    return { kind: "cancel", status: "cancelled", reason: "the app was uninstalled" };
  }
  if (input.topic === "abandonedCheckout" && input.checkoutOrderId) {
    return { kind: "cancel", status: "cancelled_converted", reason: "the checkout was completed" };
  }
  // An opt-out recorded after the event was made (the intake cancels what is pending; this catches what it could not see).
  if (input.topic === "abandonedCheckout" && input.buyerOptedOut) {
    return { kind: "cancel", status: "cancelled", reason: "the buyer opted out", errorKind: OPTED_OUT_ERROR_KIND };
  }
  if (now > input.eventExpiresAt) return { kind: "cancel", status: "expired", reason: "the event expired before it could be delivered" };
  if (!endpointTakes(input.endpointStatus, input.topic)) {
    return { kind: "cancel", status: "cancelled", reason: `the endpoint is ${input.endpointStatus}` };
  }
  // Waiting out quiet hours does not use a retry.
  const release = releaseAfterQuietHours(now, input.quietHours);
  if (release > now) return { kind: "defer", until: release };
  return { kind: "send" };
}

export interface AfterAttempt {
  result: Pick<AttemptResult, "ok" | "statusCode" | "errorKind" | "retryAfterMs">;
  policy: RetryPolicy;
  /** Completed attempts including this one; interrupted ones do not count. */
  attemptsMade: number;
  endpointFailingSince: Date | null;
  disableAfterFailingHours: number;
  minuteMs?: number;
}

export interface AfterDecision {
  status: "succeeded" | "pending" | "failed";
  nextAttemptAt: Date | null;
  endpointFailingSince: Date | null;
  disableEndpoint: string | null;
}

export function afterAttempt(input: AfterAttempt, now: Date, random: () => number): AfterDecision {
  if (input.result.ok) return { status: "succeeded", nextAttemptAt: null, endpointFailingSince: null, disableEndpoint: null };
  const failingSince = input.endpointFailingSince ?? now;
  if (input.result.statusCode === 410) {
    return { status: "failed", nextAttemptAt: null, endpointFailingSince: failingSince, disableEndpoint: "the endpoint answered 410 Gone" };
  }
  const failingTooLong =
    now.getTime() - failingSince.getTime() >= input.disableAfterFailingHours * HOUR_MS
      ? `every delivery failed for ${input.disableAfterFailingHours} hours`
      : null;
  const next = failingTooLong
    ? null
    : nextRetryAt({ policy: input.policy, attemptsMade: input.attemptsMade, now, random, retryAfterMs: input.result.retryAfterMs, minuteMs: input.minuteMs });
  return {
    status: next ? "pending" : "failed",
    nextAttemptAt: next,
    endpointFailingSince: failingSince,
    disableEndpoint: failingTooLong,
  };
}

export interface SettleInput {
  topic: string;
  /** The decision afterAttempt made from the response. */
  status: AfterDecision["status"];
  /** Read again when the result is recorded, not when the attempt started. */
  checkoutOrderId: string | null;
  shopUninstalled: boolean;
}

/**
 * The status a result is recorded with: a retry that a cancellation made moot
 * while the attempt was in flight (the order came in, the app was
 * uninstalled) is not scheduled. Cancellations that rewrite the delivery
 * itself (redaction) are kept by the conditional update instead.
 */
export function settledStatus(input: SettleInput): DeliveryStatus {
  if (input.status !== "pending") return input.status;
  if (input.topic === "abandonedCheckout" && input.checkoutOrderId) return "cancelled_converted";
  if (input.shopUninstalled && input.topic !== "integrationStatus") return "cancelled";
  return "pending";
}
