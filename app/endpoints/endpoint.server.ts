import type { Endpoint, Prisma, Shop } from "@prisma/client";
import prisma from "../db.server";
import { sealWithAppKey } from "../crypto/keyring.server";
import { generateEndpointSecret, SECRET_ROTATION_GRACE_HOURS } from "../events/endpoint-secret";
import type { EndpointInput } from "./endpoint-input";
import { recordIntegrationStatus } from "../events/integration-status.server";
import { cancelForUninstall } from "../delivery/delivery-state.server";
import { NotFoundError } from "../errors";
import { HOUR_MS } from "../time";

export class EndpointNotFoundError extends NotFoundError {
  override name = "EndpointNotFoundError";
  constructor() {
    super("endpoint");
  }
}

function columns(input: EndpointInput) {
  return {
    name: input.name,
    preset: input.preset,
    url: input.url,
    method: input.method,
    format: input.format,
    topics: input.topics,
    consentOnly: input.consentOnly,
    dropFields: input.fieldRules.drop,
    maskFields: input.fieldRules.mask,
    standardWebhooks: input.standardWebhooks,
    retryMode: input.retryPolicy.mode,
    retryIntervals: input.retryPolicy.intervalsMinutes,
    maxRetries: input.retryPolicy.maxRetries,
    customHeaders: input.customHeaders,
    quietHoursStart: input.quietHours?.startMinute ?? null,
    quietHoursEnd: input.quietHours?.endMinute ?? null,
    quietHoursTimezone: input.quietHours?.timeZone ?? null,
    disableAfterFailingHours: input.disableAfterFailingHours,
  } satisfies Prisma.EndpointUncheckedUpdateInput;
}

/** An endpoint of this shop; another shop's id is indistinguishable from a missing one. */
export async function shopEndpoint(shopId: string, endpointId: string): Promise<Endpoint> {
  const endpoint = await prisma.endpoint.findFirst({ where: { id: endpointId, shopId } });
  if (!endpoint) throw new EndpointNotFoundError();
  return endpoint;
}

export function listEndpoints(shopId: string) {
  return prisma.endpoint.findMany({ where: { shopId }, orderBy: { createdAt: "asc" } });
}

/**
 * Creates an endpoint with a fresh secret, returned in full this once. A
 * secret the BSP already holds may be given instead (the demo's --secret).
 */
export async function createEndpoint(
  shop: Shop,
  input: EndpointInput,
  now = new Date(),
  { secret = generateEndpointSecret() }: { secret?: string } = {},
): Promise<{ endpoint: Endpoint; secret: string }> {
  const endpoint = await prisma.$transaction(async (tx) => {
    const created = await tx.endpoint.create({
      data: { ...columns(input), shopId: shop.id, secretCiphertext: sealWithAppKey(secret), createdAt: now },
    });
    await recordIntegrationStatus(tx, { endpoint: created, shopDomain: shop.domain, status: "connected", reason: null, now });
    return created;
  });
  return { endpoint, secret };
}

export async function updateEndpoint(shopId: string, endpointId: string, input: EndpointInput): Promise<Endpoint> {
  await shopEndpoint(shopId, endpointId);
  return prisma.endpoint.update({ where: { id: endpointId }, data: columns(input) });
}

/** A new secret; the old one keeps signing alongside it for the grace period. */
export async function rotateEndpointSecret(shopId: string, endpointId: string, now = new Date()): Promise<{ endpoint: Endpoint; secret: string }> {
  const current = await shopEndpoint(shopId, endpointId);
  const secret = generateEndpointSecret();
  const endpoint = await prisma.endpoint.update({
    where: { id: endpointId },
    data: {
      secretCiphertext: sealWithAppKey(secret),
      previousSecretCiphertext: current.secretCiphertext,
      previousSecretExpiresAt: new Date(now.getTime() + SECRET_ROTATION_GRACE_HOURS * HOUR_MS),
    },
  });
  return { endpoint, secret };
}

/** Pauses or (re)activates an endpoint; re-activating a disabled one clears its failure history. */
export async function setEndpointStatus(shop: Shop, endpointId: string, status: "active" | "paused", now = new Date()): Promise<Endpoint> {
  const current = await shopEndpoint(shop.id, endpointId);
  if (current.status === status) return current;
  return prisma.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.update({
      where: { id: endpointId },
      data: { status, disabledReason: null, failingSince: null },
    });
    await recordIntegrationStatus(tx, {
      endpoint,
      shopDomain: shop.domain,
      status: status === "paused" ? "paused" : "connected",
      reason: status === "paused" ? "paused by the merchant" : null,
      now,
    });
    return endpoint;
  });
}

export async function deleteEndpoint(shopId: string, endpointId: string): Promise<void> {
  await shopEndpoint(shopId, endpointId);
  await prisma.endpoint.delete({ where: { id: endpointId } });
}

/** app/uninstalled: every endpoint hears it, and pending cart messages are dropped. */
export async function announceUninstall(shop: Shop, now = new Date()): Promise<void> {
  const endpoints = await prisma.endpoint.findMany({ where: { shopId: shop.id, status: { not: "disabled" } } });
  await prisma.$transaction(async (tx) => {
    await cancelForUninstall(tx, shop.id);
    for (const endpoint of endpoints) {
      await recordIntegrationStatus(tx, { endpoint, shopDomain: shop.domain, status: "uninstalled", reason: "the app was uninstalled", now });
    }
  });
}
