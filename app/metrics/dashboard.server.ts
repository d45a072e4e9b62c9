import type { Shop } from "@prisma/client";
import prisma from "../db.server";
import { computeDashboard, MESSAGE_TOPICS, type DashboardMetrics } from "./dashboard";
import { rangeBounds, type DayRange } from "./date-range";
import { onboardingSteps } from "./onboarding";

/** The rows behind the dashboard: the range's checkouts and their message deliveries. */
export async function loadDashboard(shop: Shop, range: DayRange, endpointId: string | null): Promise<DashboardMetrics> {
  const { start, end } = rangeBounds(range);
  const createdAt = { gte: start, lt: end };
  const [checkouts, deliveries] = await Promise.all([
    prisma.checkout.findMany({
      where: { shopId: shop.id, createdAt },
      select: {
        id: true, createdAt: true, status: true, abandonedAt: true, phoneE164: true, emailNormalized: true,
        whatsappOptIn: true, smsMarketing: true, emailMarketing: true, orderTotal: true, orderCurrency: true,
      },
    }),
    prisma.delivery.findMany({
      where: {
        shopId: shop.id,
        topic: { in: [...MESSAGE_TOPICS] },
        ...(endpointId ? { endpointId } : {}),
        event: { test: false, checkout: { createdAt } },
      },
      select: {
        id: true, endpointId: true, eventId: true, topic: true, status: true, attemptCount: true, firstSuccessAt: true,
        event: { select: { createdAt: true, checkoutId: true } },
        attempts: { select: { errorKind: true, statusCode: true } },
      },
    }),
  ]);
  return computeDashboard({
    range,
    endpointId,
    currency: shop.currency,
    checkouts: checkouts.map((checkout) => ({ ...checkout, orderTotal: checkout.orderTotal?.toString() ?? null })),
    deliveries: deliveries.map(({ event, ...delivery }) => ({ ...delivery, eventCreatedAt: event.createdAt, checkoutId: event.checkoutId })),
  });
}

/** The setup checklist and whether the shop has anything to show yet. */
export async function loadOnboarding(shop: Shop) {
  const [extensionCapture, activeEndpoints, endpoints, testDelivery, anyCheckout] = await Promise.all([
    prisma.checkout.findFirst({ where: { shopId: shop.id, sources: { contains: "extension" } }, select: { id: true } }),
    prisma.endpoint.count({ where: { shopId: shop.id, status: "active" } }),
    prisma.endpoint.count({ where: { shopId: shop.id } }),
    prisma.delivery.findFirst({ where: { shopId: shop.id, topic: "test", status: "succeeded" }, select: { id: true } }),
    prisma.checkout.findFirst({ where: { shopId: shop.id }, select: { id: true } }),
  ]);
  return {
    ...onboardingSteps({
      extensionSeen: extensionCapture !== null,
      pixelActive: shop.webPixelId !== null,
      activeEndpoints,
      testDelivered: testDelivery !== null,
      shopifyPlus: shop.shopifyPlus,
    }),
    isNewShop: anyCheckout === null && endpoints === 0,
  };
}
