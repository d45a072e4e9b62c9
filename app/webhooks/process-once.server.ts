import { Prisma } from "@prisma/client";
import prisma from "../db.server";

/**
 * Runs a webhook's effect unless this X-Shopify-Webhook-Id was processed
 * before. The receipt is written after the effect succeeds, so a failure
 * lets Shopify's retry run it again; effects are idempotent for that race.
 */
export async function processOnce(webhookId: string | undefined, shop: string, topic: string, effect: () => Promise<void>): Promise<"processed" | "duplicate"> {
  if (webhookId && (await prisma.processedWebhook.findUnique({ where: { webhookId } }))) return "duplicate";
  await effect();
  if (!webhookId) return "processed";
  try {
    await prisma.processedWebhook.create({ data: { webhookId, shop, topic } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
  }
  return "processed";
}
