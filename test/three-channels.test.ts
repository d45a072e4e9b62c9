import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { ensureShop } from "../app/shops/shop.server";
import { action as capture } from "../app/routes/api.capture";
import { action as pixel } from "../app/routes/api.pixel";
import { action as checkoutsUpdate } from "../app/routes/webhooks.checkouts.update";
import { buildCaptureBody, readSnapshot } from "../extensions/checkout-capture/src/capture-body";
import { cartLine, fakeCheckout } from "../extensions/checkout-capture/src/fake-checkout";
import { checkoutEvent } from "../extensions/checkout-pixel/src/fake-events";
import { ingestBody } from "../extensions/checkout-pixel/src/ingest-body";
import { checkoutWebhookPayload } from "./fixtures";
import { APP_URL, captureRequest, webhookRequest } from "./shopify";

const SHOP = "three-channels.myshopify.com";
const TOKEN = "tri-checkout-token";
const RECOVERY_URL = `https://${SHOP}/81234/checkouts/ac/${TOKEN}/recover?key=abc`;

const route = { params: {}, context: {} };

describe("one checkout through the extension, the pixel and Shopify's webhook", () => {
  it("ends as one record: trusted sources win by recency, the pixel fills gaps, completion is a hint", async () => {
    const { pixelKey } = await ensureShop(SHOP);
    const base = Date.now() - 30 * 60_000;
    const at = (minute: number) => new Date(base + minute * 60_000);

    // The buyer's checkout as the extension sees it; each capture is the extension's own body.
    const buyer = fakeCheckout();
    buyer.signals.checkoutToken.value = TOKEN;
    buyer.signals.lines.value = [cartLine()];
    buyer.signals.subtotal.value = { amount: 1000, currencyCode: "INR" };
    buyer.signals.total.value = { amount: 800, currencyCode: "INR" };
    const extensionCapture = async (minute: number) => {
      const body = buildCaptureBody(readSnapshot(buyer.api), true, at(minute));
      const response = await capture({ request: await captureRequest(SHOP, body), ...route });
      expect(response.status).toBe(200);
    };
    const pixelEvent = async (name: Parameters<typeof checkoutEvent>[0], minute: number, checkout: Parameters<typeof checkoutEvent>[1] = {}) => {
      const body = ingestBody(checkoutEvent(name, { token: TOKEN, ...checkout }, at(minute).toISOString()), pixelKey);
      const request = new Request(`${APP_URL}/api/pixel`, {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8", "user-agent": "Mozilla/5.0 Chrome/131.0" },
        body: JSON.stringify(body),
      });
      expect((await pixel({ request, ...route })).status).toBe(200);
    };

    // 0: checkout opens (pixel): the cart and a UTM attribute, no contact yet.
    await pixelEvent("checkout_started", 0);
    expect(await prisma.checkout.findFirst({ where: { token: TOKEN } })).toMatchObject({ sources: "pixel", trustedSeen: false, abandonDueAt: null });

    // 1: the buyer types (extension): a mistyped email, a phone, a ZIP, and ticks WhatsApp.
    buyer.signals.email.value = "asha@exmaple.com";
    buyer.signals.phone.value = "098765 43210";
    buyer.signals.shippingAddress.value = { zip: "411001", countryCode: "IN" };
    await extensionCapture(1);

    // 2: contact step submitted (pixel): same email, plus the marketing box Shopify shows.
    await pixelEvent("checkout_contact_info_submitted", 2, { email: "asha@exmaple.com", buyerAcceptsEmailMarketing: true });

    // 3: Shopify's checkouts/update: the email corrected, the full address, consent, recovery URL.
    const webhook = checkoutWebhookPayload({
      token: TOKEN,
      email: "asha@example.com",
      updated_at: at(3).toISOString(),
      abandoned_checkout_url: RECOVERY_URL,
      shipping_address: {
        first_name: "Asha",
        last_name: "Rao",
        address1: "12 MG Road",
        address2: "",
        city: "Pune",
        province: "Maharashtra",
        province_code: "MH",
        zip: "411001",
        country: "India",
        country_code: "IN",
        phone: null,
      },
      customer: {
        id: 7001,
        email: "asha@example.com",
        first_name: "Asha",
        last_name: "Rao",
        email_marketing_consent: { state: "subscribed" },
        sms_marketing_consent: { state: "not_subscribed" },
      },
    });
    expect((await checkoutsUpdate({ request: webhookRequest("checkouts/update", SHOP, webhook), ...route })).status).toBe(200);

    // 4: address step submitted (pixel), newer but untrusted: a conflicting city, and a flat number nobody else had.
    await pixelEvent("checkout_address_info_submitted", 4, {
      email: "asha@example.com",
      shippingAddress: {
        firstName: "Asha",
        lastName: "Rao",
        address1: "12 MG Road",
        address2: "Flat 4",
        city: "Mumbai",
        province: "Maharashtra",
        provinceCode: "MH",
        zip: "411001",
        country: "India",
        countryCode: "IN",
        phone: null,
      },
    });

    // 5: the buyer fixes the email and changes the phone (extension), the newest trusted word.
    buyer.signals.email.value = "asha@example.com";
    buyer.signals.phone.value = "+91 6000376569";
    await extensionCapture(5);

    // 6: the thank-you page (pixel): only a hint until orders/create.
    await pixelEvent("checkout_completed", 6, { email: "asha@example.com" });

    const checkouts = await prisma.checkout.findMany({ where: { shop: { domain: SHOP } } });
    expect(checkouts).toHaveLength(1);
    const checkout = checkouts[0];
    expect(checkout).toMatchObject({
      token: TOKEN,
      status: "open",
      email: "asha@example.com",
      emailNormalized: "asha@example.com",
      phone: "+91 6000376569",
      phoneE164: "+916000376569",
      whatsappOptIn: true,
      emailMarketing: true,
      smsMarketing: false,
      firstName: "Asha",
      lastName: "Rao",
      address1: "12 MG Road",
      address2: "Flat 4",
      city: "Pune",
      provinceCode: "MH",
      zip: "411001",
      countryCode: "IN",
      currency: "INR",
      recoveryUrl: RECOVERY_URL,
      sources: "pixel,extension,webhook",
      trustedSeen: true,
      orderId: null,
    });
    expect(checkout.total!.toString()).toBe("800");
    expect(checkout.lines).toEqual([
      expect.objectContaining({
        variantId: "45515259445425",
        productId: "8181897822385",
        quantity: 2,
        unitPrice: 500,
        linePrice: 800,
        originalLinePrice: 1000,
      }),
    ]);
    // The pixel's cart attribute gave the first UTM; Shopify's landing site, trusted, replaced it.
    expect(checkout.utm).toEqual({ utm_source: "instagram", utm_campaign: "diwali" });
    expect(checkout.fieldSources).toMatchObject({
      // Confirmed unchanged by the extension later: the first trusted word keeps the credit.
      email: { source: "webhook", at: at(3).toISOString() },
      phone: { source: "extension", at: at(5).toISOString() },
      city: { source: "webhook", at: at(3).toISOString() },
      address2: { source: "pixel", at: at(4).toISOString() },
      recoveryUrl: { source: "webhook" },
      emailMarketing: { source: "webhook" },
      whatsappOptIn: { source: "extension" },
      utm: { source: "webhook" },
    });
    // Last activity is the buyer's last real step; the completion hint neither moves it nor converts.
    expect(checkout.lastActivityAt).toEqual(at(5));
    expect(checkout.completedHintAt).toEqual(at(6));
    expect(checkout.abandonDueAt).toEqual(new Date(at(5).getTime() + 10 * 60_000));
  });
});
