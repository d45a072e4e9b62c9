import type { OptOut, Shop } from "@prisma/client";
import prisma from "../db.server";
import { openWithAppKey } from "../crypto/keyring.server";
import { env } from "../env.server";
import { clientAddress } from "../http/client-address";
import { rateBudget } from "../http/rate-budget.server";
import { SIGNATURE_TOLERANCE_MS } from "../events/sign";
import { AppError } from "../errors";
import { charge, parseJsonBody, type PublicAnswer, type PublicApiRequest } from "../http/public-answer";
import { logger } from "../logger.server";
import { findShop } from "../shops/shop.server";
import { findReporter, readOptOutReport, type SigningEndpoint } from "./opt-out-report";
import { recordOptOut } from "./opt-outs.server";

// POST /api/opt-out: a BSP reports a buyer's opt-out. The shop comes from
// x-store-url, but only an endpoint of that shop can sign for it, so an
// endpoint of shop A can never opt out a buyer of shop B.

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const UNAUTHENTICATED = "the signature does not match a signing secret of an endpoint of this shop";

// A BSP reports opt-outs one buyer at a time, as STOP replies arrive: a few a
// second per endpoint covers a broadcast's replies; one address that keeps
// failing signatures is slowed before any secret is opened.
export const OPT_OUT_ENDPOINT_RATE = { capacity: 120, refillPerSecond: 4 } as const;
export const OPT_OUT_ADDRESS_RATE = { capacity: 240, refillPerSecond: 8 } as const;
const endpointBudget = rateBudget("opt-out-endpoint", OPT_OUT_ENDPOINT_RATE, env.REDIS_URL);
const addressBudget = rateBudget("opt-out-address", OPT_OUT_ADDRESS_RATE, env.REDIS_URL);

async function signingEndpoints(shopId: string, endpointId: string | undefined, now: Date): Promise<(SigningEndpoint & { name: string })[]> {
  const rows = await prisma.endpoint.findMany({
    where: { shopId, ...(endpointId ? { id: endpointId } : {}) },
    select: { id: true, name: true, secretCiphertext: true, previousSecretCiphertext: true, previousSecretExpiresAt: true },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    secrets: [
      openWithAppKey(row.secretCiphertext),
      ...(row.previousSecretCiphertext && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now
        ? [openWithAppKey(row.previousSecretCiphertext)]
        : []),
    ],
  }));
}

/** Told of each opt-out this request recorded for the first time (the route passes consent's write-back queue). */
export type OptOutRecorded = (shop: Shop, optOut: OptOut, now: Date) => Promise<unknown>;

export async function handleOptOut(request: PublicApiRequest, now = new Date(), recordedHook?: OptOutRecorded): Promise<PublicAnswer> {
  const address = clientAddress(request.header("x-forwarded-for"), request.socketAddress, env.TRUST_PROXY_HOPS);
  if (address) await charge(addressBudget, address.slice(0, 64), now.getTime(), "too many opt-out reports from this address; retry later");
  const shopDomain = request.header("x-store-url")?.trim().toLowerCase();
  if (!shopDomain || !SHOP_DOMAIN.test(shopDomain)) throw new AppError("unauthorized", "x-store-url must name the shop (shop.myshopify.com)");
  const timestampMs = request.header("x-webhook-timestamp") ?? "";
  const signature = request.header("x-webhook-signature") ?? "";
  if (!timestampMs || !signature) throw new AppError("unauthorized", "x-webhook-timestamp and x-webhook-signature are required");
  const raw = await request.readBody();
  const body = typeof raw === "string" ? raw : raw.toString("utf8");

  const shop = await findShop(shopDomain);
  const endpoints = shop && !shop.uninstalledAt ? await signingEndpoints(shop.id, request.header("x-endpoint-id")?.trim() || undefined, now) : [];
  const reporter = findReporter(endpoints, { timestampMs, signature, body }, now.getTime());
  if (!reporter.ok) {
    throw new AppError(
      "unauthorized",
      reporter.reason === "stale_timestamp"
        ? `x-webhook-timestamp must be within ${SIGNATURE_TOLERANCE_MS / 60_000} minutes of our clock (Unix ms)`
        : UNAUTHENTICATED,
    );
  }

  await charge(endpointBudget, reporter.endpointId, now.getTime(), "too many opt-out reports from this endpoint; retry later");
  const checked = readOptOutReport(parseJsonBody(body), shop!.countryCode, now);
  if (!checked.ok) throw new AppError("bad_input", checked.message);
  const endpoint = endpoints.find((candidate) => candidate.id === reporter.endpointId)!;
  const recorded = await recordOptOut(shop!.id, { endpointId: endpoint.id, source: endpoint.name }, checked.report, now);
  // Shopify hears of it through the detector's pass, never on this request.
  if (recorded.created) await recordedHook?.(shop!, recorded.optOut, now);
  logger.info({ shop: shopDomain, endpointId: endpoint.id, created: recorded.created, cancelled: recorded.cancelledDeliveries }, "buyer opted out");
  return {
    status: 200,
    body: {
      phone: recorded.optOut.phoneE164,
      optedOutAt: recorded.optOut.optedOutAt.toISOString(),
      alreadyOptedOut: !recorded.created,
      cancelledDeliveries: recorded.cancelledDeliveries,
    },
  };
}
