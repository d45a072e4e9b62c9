import prisma from "../app/db.server";
import { env } from "../app/env.server";
import { rangeQuerySchema, resolveRange } from "../app/metrics/date-range";
import { loadRecoveryMeasurement } from "../app/metrics/recovery-lift.server";
import { FLOW_DESTINATION_URL } from "../app/flow/flow-triggers";
import type { Inbox } from "./inbox";
import type { ShopifyAdminApi } from "./shopify-admin-api";
import { DEMO_TOPICS, type DemoSummary, type NativeSummary, type RecoverySummary, type TopicCounts } from "./summary";

/** The BSP endpoints' deliveries; the Flow destination's are counted on their own. */
const toBsp = { endpoint: { url: { not: FLOW_DESTINATION_URL } } };

/** Issue 19 in the demo: what Shopify's double recorded, beside the stored rows. */
async function nativeSummary(shopId: string, admin: ShopifyAdminApi | null): Promise<NativeSummary> {
  const flowTriggers: Record<string, number> = {};
  for (const trigger of admin?.flowTriggers ?? []) flowTriggers[trigger.handle] = (flowTriggers[trigger.handle] ?? 0) + 1;
  const writes = await prisma.consentSync.groupBy({ by: ["state"], where: { shopId, operation: "write", status: "done" }, _count: { _all: true } });
  const optOut = await prisma.optOut.findFirst({ where: { shopId }, select: { phoneE164: true, source: true, reason: true } });
  const optedOutCheckouts = optOut ? await prisma.checkout.findMany({ where: { shopId, phoneE164: optOut.phoneE164 }, select: { id: true } }) : [];
  return {
    flowTriggers,
    flowDeliveries: await prisma.delivery.count({ where: { shopId, status: "succeeded", endpoint: { url: FLOW_DESTINATION_URL } } }),
    consentWritten: Object.fromEntries(writes.map((row) => [row.state, row._count._all])),
    consentReadBack: await prisma.consentSync.count({ where: { shopId, operation: "read", status: "done" } }),
    optedInThroughShopify: await prisma.checkout.count({ where: { shopId, whatsappOptInSource: "shopify" } }),
    subscribedInShopify: [...(admin?.customers.values() ?? [])].filter((customer) => customer.whatsApp.state === "SUBSCRIBED").length,
    evidenceStored: await prisma.checkout.count({ where: { shopId, whatsappOptInText: { not: null }, whatsappOptInLocale: { not: null } } }),
    optOut: optOut && {
      source: optOut.source,
      reason: optOut.reason,
      events: await prisma.event.count({ where: { shopId, topic: "abandonedCheckout", checkoutId: { in: optedOutCheckouts.map((c) => c.id) } } }),
    },
  };
}

/** Issue 17 in the demo, from stored rows: codes, the holdout's lift (as the dashboard's card computes it), the send guard. */
async function recoverySummary(shop: { id: string; currency: string; holdoutPercent: number; timezone: string }, now: Date): Promise<RecoverySummary> {
  const measurement = await loadRecoveryMeasurement(shop, resolveRange(rangeQuerySchema.parse({}), now, shop.timezone));
  const held = await prisma.delivery.findMany({
    where: { shopId: shop.id, status: "pending", nextAttemptAt: { gt: now }, event: { checkout: { buyerTimeZone: { not: null } } } },
    select: { nextAttemptAt: true, event: { select: { checkout: { select: { buyerTimeZone: true, buyerTimeZoneSource: true } } } } },
  });
  return {
    codesMade: await prisma.checkout.count({ where: { shopId: shop.id, recoveryDiscountId: { not: null } } }),
    codeFailures: await prisma.checkout.count({ where: { shopId: shop.id, recoveryCodeError: { not: null } } }),
    discountCodeRecoveries: await prisma.checkout.count({ where: { shopId: shop.id, matchType: "discount_code" } }),
    holdoutPercent: shop.holdoutPercent,
    sent: measurement.lift.sent.checkouts,
    heldOut: measurement.lift.heldOut.checkouts,
    lift: measurement.lift.summary,
    suppressed: measurement.suppressed,
    heldForQuietHours: held
      .filter((d) => d.event.checkout?.buyerTimeZone && d.event.checkout.buyerTimeZone !== shop.timezone)
      .map((d) => ({ timeZone: d.event.checkout!.buyerTimeZone!, source: d.event.checkout!.buyerTimeZoneSource, until: d.nextAttemptAt!.toISOString() })),
  };
}

async function topicCounts(shopId: string, topic: string): Promise<TopicCounts> {
  const deliveries = await prisma.delivery.findMany({
    where: { shopId, topic, ...toBsp },
    select: { status: true, attemptCount: true, attempts: { select: { statusCode: true } } },
  });
  const attempts = deliveries.flatMap((d) => d.attempts);
  return {
    events: await prisma.event.count({ where: { shopId, topic } }),
    delivered: deliveries.filter((d) => d.status === "succeeded").length,
    attempts: attempts.length,
    failedAttempts: attempts.filter((a) => a.statusCode === null || a.statusCode < 200 || a.statusCode > 299).length,
  };
}

export async function readSummary(shopId: string, inbox: Inbox | null, admin: ShopifyAdminApi | null = null): Promise<DemoSummary> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  const checkouts = await prisma.checkout.findMany({
    where: { shopId },
    select: { sources: true, abandonedAt: true, emailNormalized: true, phone: true, phoneE164: true, whatsappOptIn: true, status: true, orderTotal: true },
  });
  const abandoned = checkouts.filter((c) => c.abandonedAt !== null);
  const hasContact = (c: (typeof checkouts)[number]) => Boolean(c.emailNormalized || c.phone || c.phoneE164);
  const withContact = abandoned.filter(hasContact);
  const bySource: Record<string, number> = {};
  for (const c of checkouts) for (const source of c.sources.split(",").filter(Boolean)) bySource[source] = (bySource[source] ?? 0) + 1;
  const recovered = checkouts.filter((c) => c.status === "recovered");
  const revenue = recovered.reduce((sum, c) => sum + Number(c.orderTotal ?? 0), 0);
  const topics = Object.fromEntries(
    await Promise.all(DEMO_TOPICS.map(async (topic) => [topic, await topicCounts(shopId, topic)] as const)),
  ) as DemoSummary["topics"];
  const failure = await prisma.attempt.findFirst({
    where: { delivery: { shopId, ...toBsp }, OR: [{ statusCode: null }, { statusCode: { lt: 200 } }, { statusCode: { gt: 299 } }] },
    orderBy: { startedAt: "desc" },
    select: { statusCode: true, errorKind: true, errorMessage: true },
  });
  return {
    captured: checkouts.length,
    bySource,
    withoutContact: checkouts.filter((c) => !hasContact(c)).length,
    abandoned: abandoned.length,
    abandonedWithContact: withContact.length,
    whatsappOptIns: withContact.filter((c) => c.whatsappOptIn === true).length,
    topics,
    eventsSent: topics.abandonedCheckout.events,
    delivered: topics.abandonedCheckout.delivered,
    deliveryAttempts: topics.abandonedCheckout.attempts,
    converted: checkouts.filter((c) => c.status === "converted").length,
    recovered: recovered.length,
    recoveryNotices: topics.checkoutRecovered.delivered,
    recoveredRevenue: revenue.toLocaleString("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    currency: shop.currency,
    lastFailure:
      failure &&
      [...new Set([failure.errorKind ?? "http", failure.statusCode ? `HTTP ${failure.statusCode}` : null, failure.errorMessage].filter(Boolean))].join(": "),
    policyMinuteSeconds: 60 / env.CART_RELAY_TIME_SCALE,
    recovery: await recoverySummary(shop, new Date()),
    native: await nativeSummary(shopId, admin),
    inbox: inbox && {
      abandonedCheckout: inbox.distinct("abandonedCheckout").length,
      checkoutRecovered: inbox.distinct("checkoutRecovered").length,
      rejected: inbox.rejected,
      failedOnPurpose: inbox.failedOnPurpose,
      failedOnPurposeByTopic: { ...inbox.failedOnPurposeByTopic },
      contractViolations: inbox.contractViolations,
      withRecoveryCode: inbox.distinct("abandonedCheckout").filter((event) => {
        const body = event.body as { discountCode?: { code?: string } | null; abandonedCheckoutUrl?: string };
        const code = body.discountCode?.code;
        return Boolean(code && body.abandonedCheckoutUrl && new URL(body.abandonedCheckoutUrl).searchParams.get("discount") === code);
      }).length,
    },
  };
}
