// Helpers for driving the pipe in tests: a shop with checkouts captured through
// the real routes, endpoints made through the real model, and a worker whose
// clock the test controls.
import type { Shop } from "@prisma/client";
import prisma from "../app/db.server";
import { action as capture } from "../app/routes/api.capture";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { endpointInputSchema } from "../app/endpoints/endpoint-input";
import { createEndpoint } from "../app/endpoints/endpoint.server";
import { claimDueDeliveries, deliverClaimed, type WorkerClock } from "../app/delivery/worker.server";
import { sweepAbandonedCheckouts } from "../app/abandonment/detector.server";
import { captureRequest, webhookRequest } from "./shopify";
import { orderWebhookPayload } from "./fixtures";
import { startBspReceiver, type BspReceiver } from "./bsp-receiver";

export class TestClock implements WorkerClock {
  constructor(public current: Date = new Date()) {}
  now = () => new Date(this.current);
  random = () => 0.5;
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
  set(at: Date) {
    this.current = new Date(at);
  }
}

export const MINUTE = 60_000;

export async function captureCheckout(shop: string, body: Record<string, unknown>) {
  const response = await capture({ request: await captureRequest(shop, body), params: {}, context: {} });
  if (response.status !== 200) throw new Error(`capture failed: ${response.status} ${await response.text()}`);
  return prisma.checkout.findFirstOrThrow({ where: { token: String(body.checkoutToken), shop: { domain: shop } } });
}

export async function placeOrder(shop: string, overrides: Record<string, unknown>) {
  const response = await ordersCreate({ request: webhookRequest("orders/create", shop, orderWebhookPayload(overrides)), params: {}, context: {} });
  if (response.status !== 200) throw new Error(`orders/create failed: ${response.status}`);
}

export async function connectReceiver(shop: Shop, input: Record<string, unknown> = {}): Promise<{ receiver: BspReceiver; endpointId: string; secret: string }> {
  const receiver = await startBspReceiver();
  const parsed = endpointInputSchema({ allowLoopback: true }).parse({ name: "Test BSP", url: receiver.url, ...input });
  const { endpoint, secret } = await createEndpoint(shop, parsed);
  receiver.secret = secret;
  return { receiver, endpointId: endpoint.id, secret };
}

export function shopRow(domain: string) {
  return prisma.shop.findUniqueOrThrow({ where: { domain } });
}

/** One worker pass at the clock's time: claim what is due in one batch and attempt it all at once. */
export async function runWorker(
  clock: TestClock,
  { workerId = "test-worker", limit = 50, timeoutMs, deliveryIds }: { workerId?: string; limit?: number; timeoutMs?: number; deliveryIds?: string[] } = {},
) {
  const claimed = await claimDueDeliveries(workerId, clock.now(), limit, { deliveryIds });
  await deliverClaimed(claimed, workerId, clock, { timeoutMs });
  return claimed.length;
}

export function sweep(clock: TestClock) {
  return sweepAbandonedCheckouts(clock.now());
}
