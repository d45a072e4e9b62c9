import type { Shop } from "@prisma/client";
import { answerAppError } from "../../admin/known-errors.server";
import { isResendable } from "../../delivery/delivery-statuses";
import { maskedBody, maskFreeText } from "../../admin/mask";
import { usableTimeZone } from "../../metrics/date-range";
import { resendDelivery, ResendError, shopDelivery } from "../../delivery/delivery-log.server";

export type ResendAnswer = { ok: true; error: null } | { ok: false; error: string; kind: string };

async function deliveryOr404(shop: Shop, id: string | undefined) {
  try {
    return await shopDelivery(shop.id, id ?? "");
  } catch (error) {
    throw answerAppError(error);
  }
}

/** The delivery with its attempts, the buyer's data masked; another shop's delivery is not found. */
export async function deliveryPage(shop: Shop, id: string | undefined) {
  const delivery = await deliveryOr404(shop, id);
  return {
    timeZone: usableTimeZone(shop.timezone),
    resendable: isResendable(delivery.status),
    delivery: {
      id: delivery.id,
      topic: delivery.topic,
      status: delivery.status,
      attemptCount: delivery.attemptCount,
      nextAttemptAt: delivery.nextAttemptAt,
      firstSuccessAt: delivery.firstSuccessAt,
      createdAt: delivery.createdAt,
      endpoint: delivery.endpoint,
      event: {
        id: delivery.event.id,
        createdAt: delivery.event.createdAt,
        expiresAt: delivery.event.expiresAt,
        checkoutId: delivery.event.checkoutId,
        test: delivery.event.test,
      },
      body: maskedBody(delivery.body),
      attempts: delivery.attempts.map((attempt) => ({
        number: attempt.number,
        requestId: attempt.requestId,
        startedAt: attempt.startedAt,
        durationMs: attempt.durationMs,
        statusCode: attempt.statusCode,
        errorKind: attempt.errorKind,
        errorMessage: attempt.errorMessage,
        responseExcerpt: attempt.responseExcerpt === null ? null : maskFreeText(attempt.responseExcerpt),
        requestHeaders: (attempt.requestHeaders ?? {}) as Record<string, string>,
      })),
    },
  };
}

export async function resendOne(shop: Shop, id: string | undefined): Promise<ResendAnswer> {
  const delivery = await deliveryOr404(shop, id);
  try {
    await resendDelivery(shop, delivery.id);
    return { ok: true, error: null };
  } catch (error) {
    if (error instanceof ResendError) return { ok: false, error: error.message, kind: error.kind };
    throw error;
  }
}
