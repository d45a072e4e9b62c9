import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import prisma from "../db.server";
import { recordEvent } from "../events/record-event.server";
import { shopEndpoint } from "../endpoints/endpoint.server";
import { takeAdminSend } from "./admin-send-throttle.server";
import { buildTestPayload } from "../events/payload/cart-payload";
import { LEASE_MS, performAttempt, systemClock, type WorkerClock } from "./worker.server";

const TEST_EVENT_EXPIRY_MS = 60 * 60_000;

/**
 * "Send test": a realistic sample abandonedCheckout body marked `test`,
 * delivered now by this process through the same signing and sending path as
 * real events, and recorded in the delivery log. Throttled per shop
 * (takeAdminSend): a 429 Response says when to try again.
 */
export async function sendTestDelivery(shop: Shop, endpointId: string, clock: WorkerClock = systemClock) {
  const throttle = takeAdminSend(shop.id, "Send test", clock.now());
  try {
    return await sendTest(shop, endpointId, clock);
  } finally {
    throttle.release();
  }
}

async function sendTest(shop: Shop, endpointId: string, clock: WorkerClock) {
  const endpoint = await shopEndpoint(shop.id, endpointId);
  const now = clock.now();
  const eventId = randomUUID();
  const workerId = `test:${eventId}`;
  await prisma.$transaction(async (tx) => {
    await recordEvent(tx, {
      eventId,
      shopId: shop.id,
      topic: "test",
      test: true,
      payload: buildTestPayload(shop, { eventId, topic: "test", createdAt: now }),
      createdAt: now,
      expiresAt: new Date(now.getTime() + TEST_EVENT_EXPIRY_MS),
      endpoints: [endpoint],
    });
    await tx.delivery.updateMany({
      where: { eventId },
      data: { status: "in_flight", lockedBy: workerId, lockedUntil: new Date(now.getTime() + LEASE_MS) },
    });
  });
  const delivery = await prisma.delivery.findFirstOrThrow({ where: { eventId } });
  const result = await performAttempt(delivery.id, workerId, clock);
  return { deliveryId: delivery.id, eventId, result };
}
