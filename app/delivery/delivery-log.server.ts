import type { Prisma, Shop } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { endpointTakes } from "./attempt-rules";
import { EVENT_TOPICS, MESSAGE_TOPICS } from "../events/payload/formats";
import { shopEndpoint } from "../endpoints/endpoint.server";
import { DELIVERY_STATUSES, isResendable } from "./delivery-statuses";
import { NotFoundError } from "../errors";
import { HOUR_MS } from "../time";

// The delivery log: queries scoped to one shop, and resends. A resend puts
// the existing delivery back to `pending`, due now: same event id (so the
// same x-idempotency-key), same stored body, and attempt numbers continue.

/** Bulk resend covers cart messages; old status and test events would only mislead a BSP now. */
export const BULK_RESEND_TOPICS = MESSAGE_TOPICS;

const TEST_EVENT_EXPIRY_MS = HOUR_MS;
export const DELIVERY_PAGE_SIZE = 50;

export class DeliveryNotFoundError extends NotFoundError {
  override name = "DeliveryNotFoundError";
  constructor() {
    super("delivery");
  }
}

export type ResendErrorKind = "not_resendable" | "endpoint_inactive" | "checkout_completed";

export class ResendError extends Error {
  override name = "ResendError";
  constructor(
    readonly kind: ResendErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const deliveryFiltersSchema = z.object({
  endpointId: z.string().trim().min(1).max(64).optional(),
  topic: z.enum(EVENT_TOPICS, { error: `must be one of ${EVENT_TOPICS.join(", ")}` }).optional(),
  status: z.enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(", ")}` }).optional(),
  page: z.coerce.number({ error: "must be a page number" }).int("must be a whole number").min(1, "must be 1 or more").max(10_000, "is too large").default(1),
});

export interface DeliveryFilters extends Omit<z.output<typeof deliveryFiltersSchema>, "page"> {
  /** createdAt >= from */
  from?: Date;
  /** createdAt < to */
  to?: Date;
}

function whereOf(shopId: string, filters: DeliveryFilters): Prisma.DeliveryWhereInput {
  return {
    shopId,
    ...(filters.endpointId ? { endpointId: filters.endpointId } : {}),
    ...(filters.topic ? { topic: filters.topic } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.from || filters.to ? { createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lt: filters.to } : {}) } } : {}),
  };
}

/** One page of the shop's deliveries, newest first. */
export async function listDeliveries(shopId: string, filters: DeliveryFilters, page = 1, pageSize = DELIVERY_PAGE_SIZE) {
  const rows = await prisma.delivery.findMany({
    where: whereOf(shopId, filters),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize + 1,
    select: {
      id: true,
      topic: true,
      status: true,
      attemptCount: true,
      lastStatusCode: true,
      lastErrorKind: true,
      nextAttemptAt: true,
      firstSuccessAt: true,
      createdAt: true,
      eventId: true,
      endpoint: { select: { id: true, name: true } },
      event: { select: { checkoutId: true, test: true } },
    },
  });
  return { deliveries: rows.slice(0, pageSize), hasNext: rows.length > pageSize, hasPrevious: page > 1 };
}

/** A delivery of this shop with its attempts in order; another shop's id is missing. */
export async function shopDelivery(shopId: string, deliveryId: string) {
  const delivery = await prisma.delivery.findFirst({
    where: { id: deliveryId, shopId },
    include: {
      attempts: { orderBy: { number: "asc" } },
      endpoint: { select: { id: true, name: true, url: true, method: true, status: true } },
      event: { select: { id: true, topic: true, createdAt: true, expiresAt: true, checkoutId: true, test: true, checkout: { select: { orderId: true } } } },
    },
  });
  if (!delivery) throw new DeliveryNotFoundError();
  return delivery;
}

/** The most recent delivery of each endpoint, for the endpoint list. */
export async function latestDeliveries(shopId: string, endpointIds: string[]) {
  const latest = await Promise.all(
    endpointIds.map((endpointId) =>
      prisma.delivery.findFirst({
        where: { shopId, endpointId, attemptCount: { gt: 0 } },
        orderBy: { updatedAt: "desc" },
        select: { endpointId: true, status: true, lastStatusCode: true, lastErrorKind: true, updatedAt: true, topic: true },
      }),
    ),
  );
  return Object.fromEntries(latest.filter((row) => row !== null).map((row) => [row.endpointId, row]));
}

function eventExpiryMs(shop: Shop, test: boolean): number {
  return test ? TEST_EVENT_EXPIRY_MS : shop.eventExpiryHours * HOUR_MS;
}

/**
 * Sends one failed or expired delivery again, now. An event past its expiry
 * gets a fresh expiry window (the merchant asked for it), and the worker still
 * cancels the message if the checkout has been ordered meanwhile.
 */
export async function resendDelivery(shop: Shop, deliveryId: string, now = new Date()) {
  const delivery = await shopDelivery(shop.id, deliveryId);
  if (!isResendable(delivery.status)) {
    throw new ResendError("not_resendable", `only failed or expired deliveries can be resent; this one is ${delivery.status.replace("_", " ")}`);
  }
  if (!endpointTakes(delivery.endpoint.status, delivery.topic)) {
    throw new ResendError("endpoint_inactive", `the endpoint is ${delivery.endpoint.status}; resume it before resending`);
  }
  if (delivery.topic === "abandonedCheckout" && delivery.event.checkout?.orderId) {
    throw new ResendError("checkout_completed", "the buyer has completed this checkout since; a cart reminder would be wrong now");
  }
  return prisma.$transaction(async (tx) => {
    if (delivery.event.expiresAt <= now) {
      await tx.event.update({ where: { id: delivery.eventId }, data: { expiresAt: new Date(now.getTime() + eventExpiryMs(shop, delivery.event.test)) } });
    }
    // Conditional on the status seen, so a concurrent resend or worker cannot double it.
    const { count } = await tx.delivery.updateMany({
      where: { id: delivery.id, status: delivery.status },
      data: { status: "pending", nextAttemptAt: now, lockedBy: null, lockedUntil: null },
    });
    if (count === 0) throw new ResendError("not_resendable", "the delivery changed meanwhile; reload and try again");
    return tx.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
  });
}

/**
 * Every failed cart message of one endpoint created at or after `since`,
 * back to pending now. Checkouts ordered meanwhile are left alone.
 */
export async function resendFailedSince(shop: Shop, endpointId: string, since: Date, now = new Date()): Promise<{ resent: number }> {
  const endpoint = await shopEndpoint(shop.id, endpointId);
  if (endpoint.status !== "active") throw new ResendError("endpoint_inactive", `the endpoint is ${endpoint.status}; resume it before resending`);
  const where: Prisma.DeliveryWhereInput = {
    shopId: shop.id,
    endpointId,
    status: "failed",
    topic: { in: [...BULK_RESEND_TOPICS] },
    createdAt: { gte: since },
    NOT: { topic: "abandonedCheckout", event: { checkout: { orderId: { not: null } } } },
  };
  return prisma.$transaction(async (tx) => {
    const due = await tx.delivery.findMany({ where, select: { id: true, eventId: true } });
    if (due.length === 0) return { resent: 0 };
    await tx.event.updateMany({
      where: { id: { in: [...new Set(due.map((d) => d.eventId))] }, expiresAt: { lte: now } },
      data: { expiresAt: new Date(now.getTime() + eventExpiryMs(shop, false)) },
    });
    const { count } = await tx.delivery.updateMany({
      where: { id: { in: due.map((d) => d.id) }, status: "failed" },
      data: { status: "pending", nextAttemptAt: now, lockedBy: null, lockedUntil: null },
    });
    return { resent: count };
  });
}
