// The demo's store: buyers filling checkouts as Shopify would report them,
// through the app's real endpoints, signed as Shopify signs them.
import { createHash, randomUUID } from "node:crypto";
import { BROWSER_USER_AGENT, checkoutSessionToken, webhookHeaders, type AppCredentials } from "./shopify-double";

export type Channel = "extension" | "webhooks" | "pixel";
/** "repeat": a buyer who just bought starts another checkout and leaves it (the send guard's recent_order). */
export type Outcome = "buys" | "leaves" | "returns" | "phone-only" | "zip-only" | "repeat";

export interface ShippingAddress {
  city: string;
  province: string;
  provinceCode: string;
  zip: string;
  country: string;
  countryCode: string;
}

/** What the checkout block shows beside the WhatsApp checkbox (the shop's default), sent with the answer as evidence. */
export const OPT_IN_TEXT = "Send me order updates and offers on WhatsApp";

export const PUNE: ShippingAddress = { city: "Pune", province: "Maharashtra", provinceCode: "MH", zip: "411001", country: "India", countryCode: "IN" };

export interface Buyer {
  token: string;
  channel: Channel;
  outcome: Outcome;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  whatsappOptIn: boolean | null;
  address: ShippingAddress;
  /** a logged-in buyer's Shopify customer id (the demo assigns it), null for a guest */
  customerId: number | null;
  /** how a returning buyer comes back: the message's link, or the recovery code typed into a fresh checkout */
  returnsVia: "link" | "code";
  lines: {
    variantId: string;
    productId: string;
    title: string;
    variantTitle: string;
    sku: string;
    productHandle: string;
    imageUrl: string;
    quantity: number;
    unitPrice: number;
  }[];
}

const CATALOG = [
  {
    variantId: "45515259445425",
    productId: "8181897822385",
    title: "Jordans",
    productHandle: "jordans",
    imageUrl: "https://cdn.shopify.com/s/files/1/0700/0001/products/jordans-black.jpg",
    variantTitle: "Black / 9",
    sku: "JRD-BLK-9",
    unitPrice: 4999,
  },
  {
    variantId: "45538243870897",
    productId: "8352793428145",
    title: "Kurta set",
    productHandle: "kurta-set",
    imageUrl: "https://cdn.shopify.com/s/files/1/0700/0001/products/kurta-indigo.jpg",
    variantTitle: "Indigo / M",
    sku: "KRT-IND-M",
    unitPrice: 1899,
  },
  {
    variantId: "45538243870898",
    productId: "8352793428146",
    title: "Steel bottle",
    productHandle: "steel-bottle",
    imageUrl: "https://cdn.shopify.com/s/files/1/0700/0001/products/bottle-1l.jpg",
    variantTitle: "1 L",
    sku: "BTL-1L",
    unitPrice: 699,
  },
  {
    variantId: "45538243870899",
    productId: "8352793428147",
    title: "Cotton saree",
    productHandle: "cotton-saree",
    imageUrl: "https://cdn.shopify.com/s/files/1/0700/0001/products/saree-red.jpg",
    variantTitle: "Red",
    sku: "SAR-RED",
    unitPrice: 2599,
  },
];
const NAMES = [
  ["Asha", "Rao"],
  ["Darpan", "Deka"],
  ["Meera", "Iyer"],
  ["Kabir", "Singh"],
  ["Zoya", "Khan"],
  ["Arjun", "Nair"],
  ["Ishita", "Bose"],
  ["Rohan", "Mehta"],
];

/** Seeded so a run can be repeated: mulberry32. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTCOMES: Outcome[] = ["buys", "leaves", "returns", "leaves", "returns", "buys", "phone-only", "repeat", "returns", "zip-only"];
const CHANNELS: Channel[] = ["extension", "extension", "webhooks", "extension", "pixel"];

export function planBuyers(count: number, random: () => number): Buyer[] {
  const buyers: Buyer[] = Array.from({ length: count }, (_, i) => {
    const [firstName, lastName] = NAMES[i % NAMES.length];
    const outcome = OUTCOMES[i % OUTCOMES.length];
    // Seeded, so a run's holdout assignment (a hash of shop and token) repeats with its seed.
    const tokenId = createHash("sha256").update(String(random())).digest("hex").slice(0, 8);
    const channel = outcome === "zip-only" || outcome === "phone-only" ? "extension" : CHANNELS[i % CHANNELS.length];
    const picks = CATALOG.filter(() => random() < 0.5);
    const lines = (picks.length > 0 ? picks : [CATALOG[i % CATALOG.length]]).map((item) => ({ ...item, quantity: 1 + Math.floor(random() * 2) }));
    const phone = `+91 9${String(800000000 + i * 7919).slice(0, 9)}`;
    return {
      token: `demo-${tokenId}-${i}`,
      channel,
      outcome,
      firstName: firstName,
      lastName: lastName,
      email: outcome === "phone-only" || outcome === "zip-only" ? null : `${firstName.toLowerCase()}.${i}@example.in`,
      phone: outcome === "zip-only" ? null : phone,
      whatsappOptIn: channel === "extension" ? random() < 0.6 : null,
      customerId: null,
      address: PUNE,
      returnsVia: OUTCOMES.slice(0, i % OUTCOMES.length).filter((o) => o === "returns").length % 2 === 0 ? "link" : "code",
      lines,
    };
  });
  // A repeat buyer is the latest earlier buyer who bought, back with the same phone and email.
  for (const [i, buyer] of buyers.entries()) {
    if (buyer.outcome !== "repeat") continue;
    const earlier = buyers.slice(0, i).findLast((b) => b.outcome === "buys");
    if (!earlier) buyer.outcome = "leaves";
    else Object.assign(buyer, { firstName: earlier.firstName, lastName: earlier.lastName, email: earlier.email, phone: earlier.phone });
  }
  return buyers;
}

const subtotal = (buyer: Buyer) => buyer.lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);

export class StoreSimulator {
  constructor(
    private readonly appUrl: string,
    private readonly app: AppCredentials,
    readonly shop: string,
    private readonly pixelKey: string,
  ) {}

  private async post(path: string, body: unknown, headers: Record<string, string>) {
    const response = await fetch(`${this.appUrl}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  }

  async webhook(topic: string, payload: unknown) {
    const body = JSON.stringify(payload);
    await this.post(`/webhooks/${topic}`, body, webhookHeaders(this.app, topic, this.shop, body));
  }

  private async capture(body: Record<string, unknown>) {
    const token = await checkoutSessionToken(this.app, this.shop);
    await this.post("/api/capture", body, { "content-type": "application/json", authorization: `Bearer ${token}`, "user-agent": BROWSER_USER_AGENT });
  }

  private async pixel(event: string, checkout: Record<string, unknown>) {
    await this.post(
      "/api/pixel",
      { pixelKey: this.pixelKey, event, eventId: randomUUID(), occurredAt: new Date().toISOString(), checkout },
      { "content-type": "application/json", "user-agent": BROWSER_USER_AGENT },
    );
  }

  private restCheckout(buyer: Buyer) {
    return {
      id: Math.floor(Math.random() * 1e13),
      token: buyer.token,
      cart_token: `cart-${buyer.token}`,
      email: buyer.email,
      phone: buyer.phone,
      buyer_accepts_marketing: true,
      buyer_accepts_sms_marketing: buyer.outcome !== "leaves",
      abandoned_checkout_url: `https://${this.shop}/checkouts/ac/${buyer.token}/recover?key=${randomUUID().slice(0, 12)}`,
      currency: "INR",
      presentment_currency: "INR",
      subtotal_price: subtotal(buyer).toFixed(2),
      total_price: subtotal(buyer).toFixed(2),
      total_discounts: "0.00",
      customer_locale: "en-IN",
      landing_site: "/collections/all?utm_source=instagram&utm_medium=social&utm_campaign=diwali",
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      shipping_address: {
        first_name: buyer.firstName,
        last_name: buyer.lastName,
        address1: "12 MG Road",
        city: buyer.address.city,
        province: buyer.address.province,
        province_code: buyer.address.provinceCode,
        zip: buyer.address.zip,
        country: buyer.address.country,
        country_code: buyer.address.countryCode,
        phone: buyer.phone,
      },
      line_items: buyer.lines.map((line) => ({
        variant_id: Number(line.variantId),
        product_id: Number(line.productId),
        title: line.title,
        variant_title: line.variantTitle,
        sku: line.sku,
        quantity: line.quantity,
        price: line.unitPrice.toFixed(2),
        line_price: (line.unitPrice * line.quantity).toFixed(2),
      })),
    };
  }

  private captureBody(buyer: Buyer, step: 1 | 2 | 3): Record<string, unknown> {
    const lines = buyer.lines.map((line) => ({
      ...line,
      linePrice: line.unitPrice * line.quantity,
      originalLinePrice: line.unitPrice * line.quantity,
      discounts: [],
    }));
    if (buyer.outcome === "zip-only") return { checkoutToken: buyer.token, shippingAddress: { zip: "560001", countryCode: "IN" }, lines, currency: "INR" };
    return {
      checkoutToken: buyer.token,
      occurredAt: new Date().toISOString(),
      email: buyer.email,
      phone: buyer.phone,
      ...(step >= 2
        ? {
            shippingAddress: {
              firstName: buyer.firstName,
              lastName: buyer.lastName,
              city: buyer.address.city,
              province: buyer.address.province,
              provinceCode: buyer.address.provinceCode,
              zip: buyer.address.zip,
              countryCode: buyer.address.countryCode,
              phone: buyer.phone,
            },
          }
        : {}),
      ...(step >= 3
        ? {
            whatsappOptIn: buyer.whatsappOptIn,
            whatsappOptInText: buyer.whatsappOptIn === null ? undefined : OPT_IN_TEXT,
            locale: "en-IN",
            lines,
            currency: "INR",
            subtotal: subtotal(buyer),
            total: subtotal(buyer),
            totalDiscount: 0,
            utm: { utm_source: "instagram", utm_campaign: "diwali" },
          }
        : {}),
    };
  }

  /** The buyer types into checkout through the channels their store's plan has. */
  async fillCheckout(buyer: Buyer): Promise<void> {
    if (buyer.channel === "extension") {
      for (const step of [1, 2, 3] as const) await this.capture(this.captureBody(buyer, step));
      return;
    }
    if (buyer.channel === "pixel") {
      const body = this.captureBody(buyer, 3);
      delete body.whatsappOptIn;
      await this.pixel("checkout_started", { checkoutToken: buyer.token, lines: body.lines, currency: "INR" });
      await this.pixel("checkout_contact_info_submitted", body);
    }
    await this.webhook("checkouts/create", this.restCheckout(buyer));
    await this.webhook("checkouts/update", { ...this.restCheckout(buyer), updated_at: new Date().toISOString() });
  }

  /**
   * orders/create as Shopify sends it; `resumeUrl` is what the buyer clicked in WhatsApp, if anything.
   * With `typedCode` the buyer skipped the link: a fresh checkout on another device, the message's code typed in.
   */
  /** A BSP's report that this buyer answered STOP, signed with the endpoint's secret as the BSP would (docs/bsp/opt-out.md). */
  async reportOptOut(buyer: Buyer, secret: string, sign: (secret: string, timestamp: string, body: string) => string): Promise<void> {
    const body = JSON.stringify({ phone: buyer.phone, reason: "stop_reply", optedOutAt: new Date().toISOString() });
    const timestamp = String(Date.now());
    await this.post("/api/opt-out", body, {
      "content-type": "application/json",
      "user-agent": BROWSER_USER_AGENT,
      "x-store-url": this.shop,
      "x-webhook-timestamp": timestamp,
      "x-webhook-signature": sign(secret, timestamp, body),
    });
  }

  async placeOrder(buyer: Buyer, orderNumber: number, resumeUrl: string | null, typedCode: string | null = null): Promise<void> {
    const url = resumeUrl && !typedCode ? new URL(resumeUrl) : null;
    // Our permalink starts a fresh checkout whose cart attribute comes back on the order;
    // Shopify's own recovery URL reopens the same checkout. Its discount= applies the recovery code.
    const attribution = url?.searchParams.get("attributes[_cart_relay]") ?? null;
    const code = typedCode ?? url?.searchParams.get("discount") ?? null;
    await this.webhook("orders/create", {
      id: 5_600_000_000_000 + orderNumber,
      name: `#${1000 + orderNumber}`,
      checkout_token: typedCode ? `typed-code-${buyer.token}` : attribution ? `reopened-${buyer.token}` : buyer.token,
      discount_codes: code ? [{ code, amount: "0.00", type: "percentage" }] : [],
      email: buyer.email,
      contact_email: buyer.email,
      phone: buyer.phone,
      total_price: subtotal(buyer).toFixed(2),
      currency: "INR",
      presentment_currency: "INR",
      created_at: new Date().toISOString(),
      note_attributes: attribution ? [{ name: "_cart_relay", value: attribution }] : [],
      customer: { id: buyer.customerId, email: buyer.email, phone: buyer.phone },
      shipping_address: { phone: buyer.phone },
    });
  }
}
