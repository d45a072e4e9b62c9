import type { Checkout, Shop } from "@prisma/client";
import prisma from "../db.server";
import { recordObservation as recordInStore } from "./checkout-store.server";
import type { Observation } from "./merge";

/**
 * The whole checkout row after merging an observation, for the few callers
 * (payload tests, admin tools) that need more than its id and status. Writes
 * go through the checkout store like every capture.
 */
export async function recordObservation(shop: Shop, token: string, observation: Observation): Promise<Checkout> {
  const { id } = await recordInStore(shop, token, observation);
  return prisma.checkout.findUniqueOrThrow({ where: { id } });
}
