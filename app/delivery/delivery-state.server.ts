// Every change of a Delivery's status made outside the worker's own claim and
// settle (privacy, order linking, uninstall) goes through here, so the
// delivery room owns its state machine. Each returns Prisma's batch promise:
// usable inside an interactive transaction or in a batch `$transaction([...])`.
import type { Prisma } from "@prisma/client";
import { OPTED_OUT_ERROR_KIND, REDACTED_BODY } from "./attempt-rules";

type DeliveryWriter = Pick<Prisma.TransactionClient, "delivery">;

/** customers/redact: nothing more is sent about these events, and no stored body keeps the buyer. */
export function cancelAndRedactDeliveries(db: DeliveryWriter, eventIds: string[]): Prisma.PrismaPromise<Prisma.BatchPayload>[] {
  return [
    db.delivery.updateMany({
      where: { eventId: { in: eventIds }, status: { in: ["pending", "in_flight"] } },
      data: { status: "cancelled", nextAttemptAt: null },
    }),
    db.delivery.updateMany({ where: { eventId: { in: eventIds } }, data: { body: REDACTED_BODY } }),
  ];
}

/** An order was linked: pending abandoned-cart messages about the checkout are moot (the worker re-checks too). */
export function cancelForConversion(db: DeliveryWriter, checkoutId: number): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.delivery.updateMany({
    where: { topic: "abandonedCheckout", event: { checkoutId }, status: "pending" },
    data: { status: "cancelled_converted", nextAttemptAt: null },
  });
}

/** app/uninstalled: pending messages of the shop are dropped; integration statuses still go out. */
export function cancelForUninstall(db: DeliveryWriter, shopId: string): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.delivery.updateMany({
    where: { shopId, status: "pending", topic: { not: "integrationStatus" } },
    data: { status: "cancelled", nextAttemptAt: null },
  });
}

/** A BSP reported the buyer's opt-out: the shop's abandoned-cart messages to that phone still waiting for an attempt are dropped. */
export function cancelForOptOut(db: DeliveryWriter, shopId: string, phoneE164: string, now: Date): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.delivery.updateMany({
    where: { shopId, topic: "abandonedCheckout", status: "pending", event: { checkout: { phoneE164 } } },
    data: { status: "cancelled", lastErrorKind: OPTED_OUT_ERROR_KIND, nextAttemptAt: null, updatedAt: now },
  });
}
