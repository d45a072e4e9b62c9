import prisma from "../db.server";
import { openWithAppKey } from "../crypto/keyring.server";
import { SIGNATURE_TOLERANCE_MS } from "../events/sign";
import { AppError } from "../errors";
import { parseJsonBody, type PublicAnswer, type PublicApiRequest } from "../http/public-answer";
import { logger } from "../logger.server";
import { findShop } from "../shops/shop.server";
import { findReporter, readOptOutReport, type SigningEndpoint } from "./opt-out-report";
import { recordOptOut } from "./opt-outs.server";

// POST /api/opt-out: a BSP reports a buyer's opt-out. The shop comes from
// x-store-url, but only an endpoint of that shop can sign for it, so an
// endpoint of shop A can never opt out a buyer of shop B.

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const UNAUTHENTICATED = "the signature does not match a signing secret of an endpoint of this shop";

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

export async function handleOptOut(request: PublicApiRequest, now = new Date()): Promise<PublicAnswer> {
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

  const checked = readOptOutReport(parseJsonBody(body), shop!.countryCode, now);
  if (!checked.ok) throw new AppError("bad_input", checked.message);
  const endpoint = endpoints.find((candidate) => candidate.id === reporter.endpointId)!;
  const recorded = await recordOptOut(shop!.id, { endpointId: endpoint.id, source: endpoint.name }, checked.report, now);
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
