// The Cart Relay block on Shopify's abandoned checkout and order pages: its
// backend (authenticate.admin with the admin's ID token, scoped to the
// token's shop) and the block rendered from that data, with "Resend now".
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action, loader } from "../app/routes/api.admin-block";
import { action as checkoutsCreate } from "../app/routes/webhooks.checkouts.create";
import { blockTree, type BlockNode } from "../extensions/admin-block/src/block-view";
import { adminRequest, callRoute, installShop, read } from "./admin-session";
import type { BspReceiver } from "./bsp-receiver";
import { checkoutWebhookPayload } from "./fixtures";
import { connectReceiver, MINUTE, placeOrder, runWorker, shopRow, sweep, TestClock } from "./pipeline";
import { webhookRequest } from "./shopify";

const receivers: BspReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const SHOP = "block-shop.myshopify.com";
const OTHER = "block-other.myshopify.com";
const RECOVERY_URL = "https://www.checkout-shop.example/81234/checkouts/ac/c1-checkout-token/recover?key=abc";

function texts(node: BlockNode): string[] {
  return [...(node.text !== undefined ? [node.text] : []), ...(node.children ?? []).flatMap(texts)];
}
function buttons(node: BlockNode): BlockNode[] {
  return [...(node.resend ? [node] : []), ...(node.children ?? []).flatMap(buttons)];
}

async function story(shop: string, query: Record<string, string>) {
  return read(await callRoute(loader, { request: await adminRequest(shop, "/api/admin-block", { query }) }));
}

describe("admin block", () => {
  it("shows what was captured and sent, resends a failed delivery, and shows the recovery on the order page", async () => {
    await installShop(SHOP);
    await installShop(OTHER);
    const webhook = await checkoutsCreate({ request: webhookRequest("checkouts/create", SHOP, checkoutWebhookPayload()), params: {}, context: {} });
    expect(webhook.status).toBe(200);
    const noRetries = { retryPolicy: { mode: "fixed", intervalsMinutes: [2], maxRetries: 0 } };
    const failing = await connectReceiver(await shopRow(SHOP), { name: "Spur", topics: ["abandonedCheckout", "checkoutRecovered"], ...noRetries });
    const healthy = await connectReceiver(await shopRow(SHOP), { name: "Wati", topics: ["abandonedCheckout", "checkoutRecovered"], ...noRetries });
    receivers.push(failing.receiver, healthy.receiver);
    failing.receiver.respondWith(503);
    const checkout = await prisma.checkout.findFirstOrThrow({ where: { shop: { domain: SHOP } } });
    const clock = new TestClock(new Date(checkout.lastActivityAt.getTime() + 11 * MINUTE));
    await sweep(clock);
    await runWorker(clock);

    const abandoned = await story(SHOP, { recoveryUrl: RECOVERY_URL });
    expect(abandoned.status).toBe(200);
    const tree = blockTree(abandoned.body);
    expect(tree.attrs).toEqual({ heading: "Cart Relay" });
    expect(texts(tree)).toEqual(
      expect.arrayContaining([
        "Captured via webhook: +91******6569 · bu***@example.com · 1800 INR",
        "Abandoned cart message",
        "Spur: failed · HTTP 503 · 1 attempt",
        "Wati: succeeded · HTTP 200 · 1 attempt",
      ]),
    );
    expect(JSON.stringify(abandoned.body)).not.toContain("6000376569");
    const [resend] = buttons(tree);
    expect(resend.text).toBe("Resend now");
    const failed = await prisma.delivery.findFirstOrThrow({ where: { endpointId: failing.endpointId } });
    expect(resend.resend).toBe(failed.id);

    // Another shop's admin sees nothing of it and cannot resend it.
    expect((await story(OTHER, { recoveryUrl: RECOVERY_URL })).status).toBe(404);
    const foreign = await callRoute(action, { request: await adminRequest(OTHER, "/api/admin-block", { json: { deliveryId: failed.id } }) });
    expect(foreign.status).toBe(404);
    expect((await prisma.delivery.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("failed");
    // Without the admin's token: refused.
    expect(
      (await callRoute(loader, { request: await adminRequest(SHOP, "/api/admin-block", { query: { recoveryUrl: RECOVERY_URL }, token: null }) })).status,
    ).not.toBe(200);
    expect((await story(SHOP, { recoveryUrl: "not a url" })).status).toBe(400);

    // Resend now: the button's delivery goes out again and the block shows the new answer.
    const resent = await read(await callRoute(action, { request: await adminRequest(SHOP, "/api/admin-block", { json: { deliveryId: resend.resend } }) }));
    expect(resent).toEqual({ status: 200, body: { ok: true, delivery: { id: failed.id, status: "pending" } } });
    const again = await read(await callRoute(action, { request: await adminRequest(SHOP, "/api/admin-block", { json: { deliveryId: resend.resend } }) }));
    expect(again.status).toBe(409);
    // Resend makes it due now, on the wall clock.
    clock.set(new Date(Date.now() + 1000));
    await runWorker(clock);
    const after = blockTree((await story(SHOP, { recoveryUrl: RECOVERY_URL })).body);
    expect(texts(after)).toContain("Spur: succeeded · HTTP 200 · 2 attempts");
    expect(buttons(after)).toEqual([]);

    // The order page of the recovered checkout: the match type.
    await placeOrder(SHOP, { id: 5550001, name: "#1001", created_at: clock.now().toISOString() });
    const order = await story(SHOP, { orderId: "5550001" });
    expect(order.body.recovery).toEqual({ orderName: "#1001", matchType: "checkout_token", delayMinutes: expect.any(Number) });
    expect(texts(blockTree(order.body))).toContain("Recovered as #1001, matched by same checkout");
    expect((await story(OTHER, { orderId: "5550001" })).status).toBe(404);
  });

  it("shows the opt-in's evidence: where, when, in which locale and beside which words it was given", async () => {
    const shop = "block-evidence.myshopify.com";
    await installShop(shop);
    const webhook = await checkoutsCreate({ request: webhookRequest("checkouts/create", shop, checkoutWebhookPayload()), params: {}, context: {} });
    expect(webhook.status).toBe(200);
    const unknown = blockTree((await story(shop, { recoveryUrl: RECOVERY_URL })).body);
    expect(texts(unknown)).toContain("WhatsApp opt-in: unknown");

    const checkout = await prisma.checkout.findFirstOrThrow({ where: { shop: { domain: shop } } });
    await prisma.checkout.update({
      where: { id: checkout.id },
      data: {
        whatsappOptIn: true,
        whatsappOptInSource: "checkout_extension",
        whatsappOptInAt: new Date("2026-12-01T10:04:30Z"),
        whatsappOptInLocale: "en-IN",
        whatsappOptInText: "Send me cart reminders on WhatsApp",
      },
    });
    const answer = await story(shop, { recoveryUrl: RECOVERY_URL });
    expect(answer.body.checkout.whatsappOptInEvidence).toEqual({
      source: "checkout_extension",
      at: "2026-12-01T10:04:30.000Z",
      locale: "en-IN",
      text: "Send me cart reminders on WhatsApp",
    });
    expect(texts(blockTree(answer.body))).toContain(
      "WhatsApp opt-in: yes, given in checkout at 2026-12-01 10:04 UTC (en-IN), beside: “Send me cart reminders on WhatsApp”",
    );
  });

  it("says so when Cart Relay has nothing for the page's checkout", () => {
    expect(texts(blockTree(null, "Cart Relay captured nothing for this checkout"))).toEqual(["Cart Relay captured nothing for this checkout"]);
  });
});
