import prisma from "../app/db.server";
import type { Inbox } from "./inbox";
import type { DemoSummary } from "./summary";

export async function readSummary(shopId: string, inbox: Inbox | null): Promise<DemoSummary> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  const checkouts = await prisma.checkout.findMany({
    where: { shopId },
    select: { sources: true, abandonedAt: true, emailNormalized: true, phone: true, whatsappOptIn: true, status: true, orderTotal: true },
  });
  const abandoned = checkouts.filter((c) => c.abandonedAt !== null);
  const withContact = abandoned.filter((c) => c.emailNormalized || c.phone);
  const bySource: Record<string, number> = {};
  for (const c of checkouts) for (const source of c.sources.split(",").filter(Boolean)) bySource[source] = (bySource[source] ?? 0) + 1;
  const deliveries = await prisma.delivery.findMany({ where: { shopId, topic: "abandonedCheckout" }, select: { status: true, attemptCount: true } });
  const recovered = checkouts.filter((c) => c.status === "recovered");
  const revenue = recovered.reduce((sum, c) => sum + Number(c.orderTotal ?? 0), 0);
  return {
    captured: checkouts.length,
    bySource,
    abandoned: abandoned.length,
    abandonedWithContact: withContact.length,
    whatsappOptIns: withContact.filter((c) => c.whatsappOptIn === true).length,
    eventsSent: await prisma.event.count({ where: { shopId, topic: "abandonedCheckout" } }),
    delivered: deliveries.filter((d) => d.status === "succeeded").length,
    deliveryAttempts: deliveries.reduce((sum, d) => sum + d.attemptCount, 0),
    converted: checkouts.filter((c) => c.status === "converted").length,
    recovered: recovered.length,
    recoveryNotices: await prisma.delivery.count({ where: { shopId, topic: "checkoutRecovered", status: "succeeded" } }),
    recoveredRevenue: revenue.toLocaleString("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    currency: shop.currency,
    inbox: inbox && {
      abandonedCheckout: inbox.distinct("abandonedCheckout").length,
      checkoutRecovered: inbox.distinct("checkoutRecovered").length,
      rejected: inbox.rejected,
      failedOnPurpose: inbox.failedOnPurpose,
    },
  };
}
