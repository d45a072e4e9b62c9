import { randomUUID } from "node:crypto";
import type { Endpoint, Prisma } from "@prisma/client";
import { buildIntegrationStatusPayload } from "./payload/cart-payload";
import { recordEvent } from "./record-event.server";
import { endpointTopics } from "./subscriptions";

export type IntegrationStatus = "connected" | "paused" | "disabled" | "uninstalled";

const STATUS_EVENT_EXPIRY_MS = 24 * 60 * 60_000;

/**
 * Tells an endpoint about a change in its own integration (DESIGN.md topic
 * `integrationStatus`), if it subscribed. `deliver: false` records the event
 * without sending it, for an endpoint that answered 410 Gone.
 */
export async function recordIntegrationStatus(
  tx: Prisma.TransactionClient,
  input: { endpoint: Endpoint; shopDomain: string; status: IntegrationStatus; reason: string | null; now: Date; deliver?: boolean },
) {
  const { endpoint, now } = input;
  if (!endpointTopics(endpoint).includes("integrationStatus")) return null;
  const payload = buildIntegrationStatusPayload({
    storeUrl: input.shopDomain,
    endpointId: endpoint.id,
    status: input.status,
    reason: input.reason,
    at: now,
  });
  return recordEvent(tx, {
    eventId: randomUUID(),
    shopId: endpoint.shopId,
    topic: "integrationStatus",
    payload,
    createdAt: now,
    expiresAt: new Date(now.getTime() + STATUS_EVENT_EXPIRY_MS),
    endpoints: input.deliver === false ? [] : [endpoint],
  });
}
