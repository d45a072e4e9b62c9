import prisma from "../db.server";
import { maskContactEmail, maskContactPhone } from "../admin/mask";
import { isResendable } from "../delivery/delivery-statuses";
import { optOutsByPhone } from "../opt-out/opt-outs.server";

// What the admin block on Shopify's abandoned checkout and order pages shows
// (extensions/admin-block): what Cart Relay captured and sent for one
// checkout of this shop, each endpoint's last answer, and the match type of a
// recovery. Contact data is masked before it leaves the server.

/** How the block names the checkout: Shopify's recovery URL (abandoned checkout page) or the order id (order page). */
export type CheckoutLookup = { recoveryUrl: string } | { orderId: string };

/** The checkout token inside a recovery URL: `/checkouts/<token>/recover` or `/checkouts/ac/<token>/recover`. */
export function tokenFromRecoveryUrl(url: string): string | null {
  const match = /\/checkouts\/(?:ac\/)?([^/?#]+)\/recover/.exec(url);
  return match ? decodeURIComponent(match[1]) : null;
}

async function findCheckout(shopId: string, lookup: CheckoutLookup) {
  if ("orderId" in lookup) return prisma.checkout.findFirst({ where: { shopId, orderId: lookup.orderId } });
  const token = tokenFromRecoveryUrl(lookup.recoveryUrl);
  return prisma.checkout.findFirst({
    where: { shopId, OR: [{ recoveryUrl: lookup.recoveryUrl }, ...(token ? [{ token }] : [])] },
    orderBy: { createdAt: "desc" },
  });
}

export async function checkoutStory(shopId: string, lookup: CheckoutLookup) {
  const checkout = await findCheckout(shopId, lookup);
  if (!checkout) return null;
  const [events, optOuts] = await Promise.all([
    prisma.event.findMany({
      where: { shopId, checkoutId: checkout.id },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        topic: true,
        createdAt: true,
        deliveries: {
          orderBy: { createdAt: "asc" },
          select: { id: true, status: true, attemptCount: true, lastStatusCode: true, lastErrorKind: true, endpoint: { select: { name: true } } },
        },
      },
    }),
    optOutsByPhone(shopId, [checkout.phoneE164]),
  ]);
  return {
    checkout: {
      id: checkout.id,
      status: checkout.status,
      sources: checkout.sources ? checkout.sources.split(",") : [],
      phone: maskContactPhone(checkout.phoneE164 ?? checkout.phone),
      email: maskContactEmail(checkout.email),
      total: checkout.total?.toString() ?? null,
      currency: checkout.currency,
      whatsappOptIn: checkout.whatsappOptIn,
      // Where, when and in which words the current answer was given (Meta's opt-in policy, DPDP).
      whatsappOptInEvidence:
        checkout.whatsappOptIn === null
          ? null
          : {
              source: checkout.whatsappOptInSource,
              at: checkout.whatsappOptInAt?.toISOString() ?? null,
              locale: checkout.whatsappOptInLocale,
              text: checkout.whatsappOptInText,
            },
      abandonedAt: checkout.abandonedAt?.toISOString() ?? null,
      optedOut: checkout.phoneE164 ? (optOuts.get(checkout.phoneE164) ?? null) : null,
    },
    recovery: checkout.orderId ? { orderName: checkout.orderName, matchType: checkout.matchType, delayMinutes: checkout.recoveryDelayMinutes } : null,
    events: events.map((event) => ({
      id: event.id,
      topic: event.topic,
      createdAt: event.createdAt.toISOString(),
      deliveries: event.deliveries.map((delivery) => ({
        id: delivery.id,
        endpoint: delivery.endpoint.name,
        status: delivery.status,
        attempts: delivery.attemptCount,
        lastStatusCode: delivery.lastStatusCode,
        lastErrorKind: delivery.lastErrorKind,
        resendable: isResendable(delivery.status),
      })),
    })),
  };
}

export type CheckoutStory = NonNullable<Awaited<ReturnType<typeof checkoutStory>>>;
