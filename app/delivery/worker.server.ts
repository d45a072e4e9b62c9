import { randomUUID } from "node:crypto";
import type { Attempt, Delivery, Endpoint, Event, Checkout, Shop } from "@prisma/client";
import prisma from "../db.server";
import { env, policyMinuteMs } from "../env.server";
import { logger } from "../logger.server";
import { openWithAppKey } from "../crypto/keyring.server";
import { recordIntegrationStatus } from "../events/integration-status.server";
import { afterAttempt, beforeAttempt, CONTROL_TOPICS } from "./attempt-rules";
import { deliveryHeaders, redactHeadersForLog } from "./headers";
import type { PayloadFormat } from "./payload/formats";
import { quietHoursFromEndpoint } from "./quiet-hours";
import { retryPolicyFromEndpoint } from "./retry-policy";
import { sendWebhook, type AttemptResult } from "./send.server";

/** How long a claim holds; longer than the 10 s send timeout, so only a dead worker loses it. */
export const LEASE_MS = 60_000;
const EXCERPT_LIMIT = 4096;

export interface WorkerClock {
  now: () => Date;
  random: () => number;
}

export const systemClock: WorkerClock = { now: () => new Date(), random: Math.random };

type LoadedDelivery = Delivery & {
  event: Event & { checkout: Checkout | null };
  endpoint: Endpoint;
  shop: Shop;
  attempts: Attempt[];
};

/**
 * Claims up to `limit` deliveries that are due, or whose previous holder's
 * lease ran out (a crashed worker). Each claim is a conditional update, so two
 * workers racing for the same delivery cannot both win it. `deliveryIds`
 * narrows the claim to those deliveries (BullMQ jobs name the one they run).
 */
export async function claimDueDeliveries(
  workerId: string,
  now: Date,
  limit: number,
  { deliveryIds }: { deliveryIds?: string[] } = {},
): Promise<string[]> {
  const candidates = await prisma.delivery.findMany({
    where: {
      ...(deliveryIds ? { id: { in: deliveryIds } } : {}),
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "in_flight", lockedUntil: { lt: now } },
      ],
      AND: [{ OR: [{ endpoint: { status: "active" } }, { topic: { in: [...CONTROL_TOPICS] } }] }],
    },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true, status: true, lockedUntil: true },
  });
  const claimed: string[] = [];
  for (const candidate of candidates) {
    const { count } = await prisma.delivery.updateMany({
      where: { id: candidate.id, status: candidate.status, lockedUntil: candidate.lockedUntil },
      data: { status: "in_flight", lockedBy: workerId, lockedUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (count === 1) claimed.push(candidate.id);
  }
  return claimed;
}

/** Gives back claims this worker holds but has not started, e.g. on shutdown. */
export async function releaseClaims(workerId: string, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await prisma.delivery.updateMany({
    where: { id: { in: deliveryIds }, lockedBy: workerId, status: "in_flight" },
    data: { status: "pending", lockedBy: null, lockedUntil: null },
  });
}

function loadClaimed(deliveryId: string, workerId: string): Promise<LoadedDelivery | null> {
  return prisma.delivery.findFirst({
    where: { id: deliveryId, lockedBy: workerId, status: "in_flight" },
    include: { event: { include: { checkout: true } }, endpoint: true, shop: true, attempts: true },
  });
}

async function settle(delivery: LoadedDelivery, data: { status: string; nextAttemptAt: Date | null }) {
  await prisma.delivery.updateMany({
    where: { id: delivery.id, lockedBy: delivery.lockedBy },
    data: { ...data, lockedBy: null, lockedUntil: null },
  });
}

function signingSecrets(endpoint: Endpoint, now: Date) {
  const inGrace = endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return {
    current: openWithAppKey(endpoint.secretCiphertext),
    previous: inGrace ? openWithAppKey(endpoint.previousSecretCiphertext!) : null,
  };
}

/**
 * One attempt of a claimed delivery: checks that it is still wanted, signs,
 * sends, records the attempt and decides what happens next. An attempt row is
 * written before sending, so a worker killed mid-flight leaves a visible
 * interrupted attempt and the next worker resends with the same idempotency key.
 */
export async function performAttempt(
  deliveryId: string,
  workerId: string,
  clock: WorkerClock = systemClock,
  { timeoutMs }: { timeoutMs?: number } = {},
): Promise<AttemptResult | null> {
  const delivery = await loadClaimed(deliveryId, workerId);
  if (!delivery) return null;
  const { endpoint, event, shop } = delivery;
  const log = logger.child({ shop: shop.domain, eventId: event.id, deliveryId: delivery.id });

  await prisma.attempt.updateMany({
    where: { deliveryId: delivery.id, statusCode: null, errorKind: null },
    data: { errorKind: "interrupted", errorMessage: "the worker stopped before recording the result" },
  });

  const startedAt = clock.now();
  const before = beforeAttempt(
    {
      topic: delivery.topic,
      checkoutOrderId: event.checkout?.orderId ?? null,
      eventExpiresAt: event.expiresAt,
      endpointStatus: endpoint.status,
      quietHours: quietHoursFromEndpoint(endpoint),
    },
    startedAt,
  );
  if (before.kind === "cancel") {
    await settle(delivery, { status: before.status, nextAttemptAt: null });
    log.info({ status: before.status, reason: before.reason }, "delivery cancelled");
    return null;
  }
  if (before.kind === "defer") {
    await settle(delivery, { status: "pending", nextAttemptAt: before.until });
    return null;
  }

  const number = delivery.attempts.length + 1;
  const requestId = randomUUID();
  const headers = deliveryHeaders({
    shopDomain: shop.domain,
    topic: delivery.topic,
    format: endpoint.format as PayloadFormat,
    body: delivery.body,
    eventId: event.id,
    attempt: number,
    requestId,
    timestampMs: startedAt.getTime(),
    secrets: signingSecrets(endpoint, startedAt),
    standardWebhooks: endpoint.standardWebhooks,
    customHeaders: endpoint.customHeaders as Record<string, string> | null,
  });
  const attempt = await prisma.attempt.create({
    data: { deliveryId: delivery.id, number, requestId, startedAt, requestHeaders: redactHeadersForLog(headers) },
  });

  const result = await sendWebhook(
    { url: endpoint.url, method: endpoint.method === "PUT" ? "PUT" : "POST", headers, body: delivery.body },
    { allowLoopback: env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS, timeoutMs },
  );
  await recordResult(delivery, attempt.id, result, clock);
  log.info({ attempt: number, statusCode: result.statusCode, errorKind: result.errorKind, durationMs: result.durationMs }, "delivery attempt");
  return result;
}

async function recordResult(delivery: LoadedDelivery, attemptId: string, result: AttemptResult, clock: WorkerClock) {
  const now = clock.now();
  const { endpoint } = delivery;
  const completedAttempts = delivery.attempts.filter((a) => a.errorKind !== "interrupted").length + 1;
  const next = afterAttempt(
    {
      result,
      // A test answers the merchant now; it is not retried.
      policy: delivery.topic === "test" ? { ...retryPolicyFromEndpoint(endpoint), maxRetries: 0 } : retryPolicyFromEndpoint(endpoint),
      attemptsMade: completedAttempts,
      endpointFailingSince: endpoint.failingSince,
      disableAfterFailingHours: endpoint.disableAfterFailingHours,
      minuteMs: policyMinuteMs(env),
    },
    now,
    clock.random,
  );
  await prisma.$transaction(async (tx) => {
    await tx.attempt.update({
      where: { id: attemptId },
      data: {
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        errorKind: result.ok ? null : result.errorKind,
        errorMessage: result.errorMessage,
        responseExcerpt: result.responseExcerpt?.slice(0, EXCERPT_LIMIT) ?? null,
      },
    });
    await tx.delivery.updateMany({
      where: { id: delivery.id, lockedBy: delivery.lockedBy },
      data: {
        status: next.status,
        nextAttemptAt: next.nextAttemptAt,
        attemptCount: delivery.attempts.length + 1,
        lastStatusCode: result.statusCode,
        lastErrorKind: result.ok ? null : result.errorKind,
        firstSuccessAt: result.ok ? (delivery.firstSuccessAt ?? now) : delivery.firstSuccessAt,
        lockedBy: null,
        lockedUntil: null,
      },
    });
    if (CONTROL_TOPICS.has(delivery.topic)) return;
    const disabled = next.disableEndpoint && endpoint.status === "active";
    await tx.endpoint.update({
      where: { id: endpoint.id },
      data: {
        lastDeliveryAt: now,
        failingSince: next.endpointFailingSince,
        ...(disabled ? { status: "disabled", disabledReason: next.disableEndpoint } : {}),
      },
    });
    if (disabled) {
      await tx.delivery.updateMany({
        where: { endpointId: endpoint.id, status: "pending", topic: { not: "integrationStatus" } },
        data: { status: "cancelled", nextAttemptAt: null },
      });
      await recordIntegrationStatus(tx, {
        endpoint,
        shopDomain: delivery.shop.domain,
        status: "disabled",
        reason: next.disableEndpoint,
        now,
        deliver: result.statusCode !== 410,
      });
    }
  });
}
