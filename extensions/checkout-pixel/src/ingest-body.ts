import type { Checkout, CheckoutLineItem, MailingAddress, MoneyV2 } from "@shopify/web-pixels-extension";
import type { PixelBodyInput, PixelEventName } from "../../../app/pixel/pixel-body";

/** The checkout events the pixel forwards, in the order a buyer meets them. */
export const SUBSCRIBED_EVENTS = [
  "checkout_started",
  "checkout_contact_info_submitted",
  "checkout_address_info_submitted",
  "checkout_shipping_info_submitted",
  "payment_info_submitted",
  "checkout_completed",
] as const satisfies readonly PixelEventName[];

export type SubscribedEvent = (typeof SUBSCRIBED_EVENTS)[number];
export type IngestBody = PixelBodyInput;
type IngestLine = NonNullable<IngestBody["checkout"]["lines"]>[number];

/** The part of a standard checkout event the mapper reads. */
export interface CheckoutEvent {
  name: string;
  id?: string;
  timestamp: string;
  data: { checkout: Checkout };
}

// Limits the app enforces (app/capture/capture-body.ts); clipping keeps one
// odd value from losing the whole event to a 400.
const MAX_BODY_BYTES = 60_000;
const UTM_KEY = /^(utm_[a-z_]+|fbclid|gclid)$/i;

const clip = (value: string | null | undefined, max: number): string | undefined => {
  const text = value?.trim();
  return text ? text.slice(0, max) : undefined;
};

const round = (amount: number) => Math.round(amount * 100) / 100;
const amountOf = (money: MoneyV2 | null | undefined) => (money && Number.isFinite(money.amount) && money.amount >= 0 ? round(money.amount) : undefined);

/** `gid://shopify/ProductVariant/4551` or `4551` -> `4551`. */
export function numericId(id: string | null | undefined): string | undefined {
  if (!id) return undefined;
  const match = /(\d+)(?:\?.*)?$/.exec(id);
  return match ? match[1] : clip(id, 100);
}

/** Shopify image sources are often protocol-relative (`//cdn.shopify.com/...`). */
export function imageUrl(src: string | null | undefined): string | undefined {
  if (!src) return undefined;
  const url = src.startsWith("//") ? `https:${src}` : src;
  return /^https?:\/\//.test(url) && url.length <= 2048 ? url : undefined;
}

/** The handle in a product URL (`/products/jordans`, `/en-in/products/jordans?variant=1`), for the BSP's product link. */
export function productHandle(url: string | null | undefined): string | undefined {
  const match = url ? /\/products\/([^/?#]+)/.exec(url) : null;
  if (!match) return undefined;
  let handle: string;
  try {
    handle = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return /^[\p{L}\p{N}_-]{1,255}$/u.test(handle) ? handle : undefined;
}

const hasAny = (address: MailingAddress | null | undefined): address is MailingAddress =>
  !!address && Object.values(address).some((value) => typeof value === "string" && value.trim() !== "");

function addressOf(shipping: MailingAddress | null, billing: MailingAddress | null): IngestBody["checkout"]["shippingAddress"] {
  // Digital carts have no shipping address; the billing one still names the buyer.
  const address = hasAny(shipping) ? shipping : hasAny(billing) ? billing : null;
  if (!address) return undefined;
  return {
    firstName: clip(address.firstName, 255),
    lastName: clip(address.lastName, 255),
    address1: clip(address.address1, 255),
    address2: clip(address.address2, 255),
    city: clip(address.city, 255),
    province: clip(address.province, 255),
    provinceCode: clip(address.provinceCode, 16),
    zip: clip(address.zip, 32),
    country: clip(address.country, 100),
    countryCode: address.countryCode && /^[A-Za-z]{2}$/.test(address.countryCode) ? address.countryCode : undefined,
    phone: clip(address.phone ?? billing?.phone, 40),
  };
}

function lineOf(item: CheckoutLineItem): IngestLine {
  const variant = item.variant;
  const quantity = Math.max(0, Math.floor(item.quantity));
  const unitPrice = amountOf(variant?.price);
  return {
    variantId: numericId(variant?.id),
    productId: numericId(variant?.product?.id),
    title: clip(item.title ?? variant?.product?.title, 500),
    variantTitle: clip(variant?.title, 500),
    sku: clip(variant?.sku, 255),
    quantity,
    imageUrl: imageUrl(variant?.image?.src),
    productHandle: productHandle(variant?.product?.url),
    unitPrice,
    linePrice: amountOf(item.finalLinePrice),
    originalLinePrice: unitPrice === undefined ? undefined : round(unitPrice * quantity),
    discounts: (item.discountAllocations ?? []).slice(0, 50).map((allocation) => {
      const application = allocation.discountApplication;
      const isCode = application?.type === "DISCOUNT_CODE";
      return {
        title: clip(application?.title, 255),
        code: isCode ? clip(application?.title, 255) : undefined,
        type: clip(application?.type?.toLowerCase(), 32),
        amount: amountOf(allocation.amount),
      };
    }),
  };
}

function stringMap(entries: [string, string][], max: number): Record<string, string> | undefined {
  const map: Record<string, string> = {};
  for (const [key, value] of entries) {
    const k = clip(key, 255);
    if (!k || Object.keys(map).length >= max) continue;
    map[k] = (value ?? "").trim().slice(0, 1000);
  }
  return Object.keys(map).length > 0 ? map : undefined;
}

function utmOf(attributes: { key: string; value: string }[]): Record<string, string> | undefined {
  const found: [string, string][] = [];
  for (const { key, value } of attributes) {
    if (UTM_KEY.test(key)) found.push([key.toLowerCase(), value]);
    else if (/landing|referr?al_url/i.test(key) && value) {
      try {
        for (const [name, param] of new URL(value, "https://shop.invalid").searchParams) {
          if (UTM_KEY.test(name)) found.push([name.toLowerCase(), param]);
        }
      } catch {
        // not a URL
      }
    }
  }
  return stringMap(found, 20);
}

const byteLength = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

function fit(body: IngestBody): IngestBody {
  if (byteLength(body) <= MAX_BODY_BYTES) return body;
  let lines = (body.checkout.lines ?? []).map((line) => ({ ...line, imageUrl: undefined }));
  let fitted = { ...body, checkout: { ...body.checkout, lines } };
  while (byteLength(fitted) > MAX_BODY_BYTES && lines.length > 0) {
    lines = lines.slice(0, Math.floor(lines.length / 2));
    fitted = { ...body, checkout: { ...body.checkout, lines } };
  }
  return fitted;
}

/**
 * The /api/pixel body for one checkout event, or null when there is nothing
 * to send (not a subscribed event, or Shopify gave no checkout token).
 */
export function ingestBody(event: CheckoutEvent, pixelKey: string): IngestBody | null {
  if (!(SUBSCRIBED_EVENTS as readonly string[]).includes(event.name)) return null;
  const checkout = event.data?.checkout;
  const checkoutToken = clip(checkout?.token, 255);
  if (!checkout || !checkoutToken) return null;
  const attributes = checkout.attributes ?? [];
  const codes = (checkout.discountApplications ?? [])
    .filter((application) => application.type === "DISCOUNT_CODE")
    .map((application) => clip(application.title, 255))
    .filter((code): code is string => code !== undefined);
  const currency = checkout.currencyCode ?? checkout.totalPrice?.currencyCode;
  return fit({
    pixelKey,
    event: event.name as SubscribedEvent,
    eventId: clip(event.id, 200),
    occurredAt: event.timestamp,
    checkout: {
      checkoutToken,
      occurredAt: event.timestamp,
      email: clip(checkout.email, 254),
      phone: clip(checkout.phone ?? checkout.smsMarketingPhone, 40),
      emailMarketing: typeof checkout.buyerAcceptsEmailMarketing === "boolean" ? checkout.buyerAcceptsEmailMarketing : undefined,
      smsMarketing: typeof checkout.buyerAcceptsSmsMarketing === "boolean" ? checkout.buyerAcceptsSmsMarketing : undefined,
      shippingAddress: addressOf(checkout.shippingAddress, checkout.billingAddress),
      lines: (checkout.lineItems ?? []).slice(0, 500).map(lineOf),
      currency: currency && /^[A-Za-z]{3}$/.test(currency) ? currency : undefined,
      subtotal: amountOf(checkout.subtotalPrice),
      total: amountOf(checkout.totalPrice),
      totalDiscount: amountOf(checkout.discountsAmount),
      discountCodes: [...new Set(codes)].slice(0, 50),
      attributes: stringMap(
        attributes.map((a) => [a.key, a.value]),
        100,
      ),
      utm: utmOf(attributes),
      locale: clip(checkout.localization?.language?.isoCode, 35),
    },
  });
}
