import type { Endpoint, Shop } from "@prisma/client";
import prisma from "../db.server";
import { sealWithAppKey } from "../crypto/keyring.server";
import { generateEndpointSecret } from "../events/endpoint-secret";
import { FLOW_DESTINATION_NAME, FLOW_DESTINATION_URL, FLOW_PRESET, FLOW_TOPICS } from "./flow-triggers";

// The shop's Flow destination: one endpoint row, created the first time the
// merchant turns the triggers on and paused (never deleted, so its delivery
// log stays) when they turn them off.

export interface FlowTriggersState {
  enabled: boolean;
  endpointId: string | null;
}

export function flowDestination(shopId: string): Promise<Endpoint | null> {
  return prisma.endpoint.findFirst({ where: { shopId, url: FLOW_DESTINATION_URL } });
}

export async function flowTriggersState(shopId: string): Promise<FlowTriggersState> {
  const endpoint = await flowDestination(shopId);
  return { enabled: endpoint?.status === "active", endpointId: endpoint?.id ?? null };
}

export async function setFlowTriggers(shop: Pick<Shop, "id">, enabled: boolean, now = new Date()): Promise<FlowTriggersState> {
  const existing = await flowDestination(shop.id);
  if (existing) {
    const status = enabled ? "active" : "paused";
    if (existing.status !== status) await prisma.endpoint.update({ where: { id: existing.id }, data: { status, disabledReason: null, failingSince: null } });
    return { enabled, endpointId: existing.id };
  }
  if (!enabled) return { enabled: false, endpointId: null };
  const created = await prisma.endpoint.create({
    data: {
      shopId: shop.id,
      name: FLOW_DESTINATION_NAME,
      preset: FLOW_PRESET,
      url: FLOW_DESTINATION_URL,
      topics: FLOW_TOPICS,
      // Never used to sign (Flow is called through the Admin API); the column is required.
      secretCiphertext: sealWithAppKey(generateEndpointSecret()),
      createdAt: now,
    },
  });
  return { enabled: true, endpointId: created.id };
}
