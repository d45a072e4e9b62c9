import prisma from "../db.server";
import { DAY_MS } from "../time";

// Shopify redelivers a webhook for 48 hours; receipts older than this dedupe nothing.
export const WEBHOOK_RECEIPT_DAYS = 7;
/** How often the work queues run the purge. */
export const RETENTION_PURGE_INTERVAL_MS = 60 * 60_000;

export interface PurgeReport {
  checkouts: number;
  events: number;
  dataRequests: number;
  buyerOrders: number;
  /** WhatsApp consent exchanges with Shopify (each names a customer and a phone) */
  consentSyncs: number;
  webhookReceipts: number;
}

/**
 * Deletes what each shop no longer needs to keep (Shop.retentionDays,
 * default 90): checkouts idle longer than that, events (with their
 * deliveries and attempts) created before it, data-request reports, and the
 * orders the send guard remembers (each holds the buyer's email and phone).
 */
export async function purgeExpiredData(now = new Date()): Promise<PurgeReport> {
  const report: PurgeReport = { checkouts: 0, events: 0, dataRequests: 0, buyerOrders: 0, consentSyncs: 0, webhookReceipts: 0 };
  const shops = await prisma.shop.findMany({ select: { id: true, retentionDays: true } });
  for (const shop of shops) {
    const cutoff = new Date(now.getTime() - shop.retentionDays * DAY_MS);
    const expired = { shopId: shop.id, lastActivityAt: { lt: cutoff } };
    const [events, checkouts, dataRequests, buyerOrders, consentSyncs] = await prisma.$transaction([
      prisma.event.deleteMany({ where: { shopId: shop.id, OR: [{ createdAt: { lt: cutoff } }, { checkout: expired }] } }),
      prisma.checkout.deleteMany({ where: expired }),
      prisma.dataRequest.deleteMany({ where: { shopId: shop.id, createdAt: { lt: cutoff } } }),
      prisma.buyerOrder.deleteMany({ where: { shopId: shop.id, orderCreatedAt: { lt: cutoff } } }),
      prisma.consentSync.deleteMany({ where: { shopId: shop.id, updatedAt: { lt: cutoff } } }),
    ]);
    report.events += events.count;
    report.checkouts += checkouts.count;
    report.dataRequests += dataRequests.count;
    report.buyerOrders += buyerOrders.count;
    report.consentSyncs += consentSyncs.count;
  }
  const receipts = await prisma.processedWebhook.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - WEBHOOK_RECEIPT_DAYS * DAY_MS) } } });
  report.webhookReceipts = receipts.count;
  return report;
}
