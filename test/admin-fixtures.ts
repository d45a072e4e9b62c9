// Stored rows for the admin tests: the dashboard fixture of
// app/metrics/dashboard.fixture.ts written to SQLite as the pipe would have
// left it, so loader numbers can be checked against hand-counted ones.
import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { sealWithAppKey } from "../app/crypto/keyring.server";
import { generateEndpointSecret } from "../app/events/endpoint-secret";
import { FIXTURE_CHECKOUTS, FIXTURE_DELIVERIES } from "../app/metrics/dashboard.fixture";

export async function storedEndpoint(shop: Shop, name: string, overrides: Record<string, unknown> = {}) {
  return prisma.endpoint.create({
    data: {
      shopId: shop.id,
      name,
      url: `https://hooks.example.com/${name.toLowerCase()}`,
      topics: ["abandonedCheckout", "checkoutRecovered", "integrationStatus"],
      secretCiphertext: sealWithAppKey(generateEndpointSecret()),
      ...overrides,
    },
  });
}

/** Writes the fixture for a shop; returns the stored ids of fixture endpoints "A"/"B" and checkouts 1..8. */
export async function seedDashboard(shop: Shop) {
  const endpoints = { A: await storedEndpoint(shop, "Spur"), B: await storedEndpoint(shop, "Wati", { preset: "wati" }) };
  const checkoutIds = new Map<number, number>();
  for (const row of FIXTURE_CHECKOUTS) {
    const created = await prisma.checkout.create({
      data: {
        shopId: shop.id,
        token: `fixture-${row.id}-${randomUUID()}`,
        status: row.status,
        createdAt: row.createdAt,
        lastActivityAt: row.createdAt,
        abandonedAt: row.abandonedAt,
        phone: row.phoneE164,
        phoneE164: row.phoneE164,
        email: row.emailNormalized,
        emailNormalized: row.emailNormalized,
        whatsappOptIn: row.whatsappOptIn,
        smsMarketing: row.smsMarketing,
        emailMarketing: row.emailMarketing,
        orderId: row.orderTotal ? `order-${row.id}` : null,
        orderTotal: row.orderTotal,
        orderCurrency: row.orderCurrency,
        total: "1000.00",
        currency: "INR",
      },
    });
    checkoutIds.set(row.id, created.id);
  }
  const eventIds = new Map<string, string>();
  for (const row of FIXTURE_DELIVERIES) {
    let eventId = eventIds.get(row.eventId);
    if (!eventId) {
      eventId = randomUUID();
      eventIds.set(row.eventId, eventId);
      await prisma.event.create({
        data: {
          id: eventId,
          shopId: shop.id,
          checkoutId: row.checkoutId === null ? null : checkoutIds.get(row.checkoutId)!,
          topic: row.topic,
          test: row.topic === "test",
          payload: "{}",
          createdAt: row.eventCreatedAt,
          expiresAt: new Date(row.eventCreatedAt.getTime() + 24 * 60 * 60_000),
        },
      });
    }
    await prisma.delivery.create({
      data: {
        shopId: shop.id,
        eventId,
        endpointId: endpoints[row.endpointId as "A" | "B"].id,
        topic: row.topic,
        body: JSON.stringify({ phone: "+916000376569", email: "asha@example.com" }),
        status: row.status,
        attemptCount: row.attemptCount,
        firstSuccessAt: row.firstSuccessAt,
        createdAt: row.eventCreatedAt,
        nextAttemptAt: row.status === "pending" ? new Date(row.eventCreatedAt.getTime() + 60_000) : null,
        attempts: {
          create: row.attempts.map((attempt, index) => ({
            number: index + 1,
            requestId: randomUUID(),
            startedAt: new Date(row.eventCreatedAt.getTime() + index * 60_000),
            durationMs: 120,
            statusCode: attempt.statusCode,
            errorKind: attempt.errorKind,
          })),
        },
      },
    });
  }
  return { endpoints, checkoutIds, eventIds };
}
