import type { z } from "zod";
import type { captureBodySchema } from "../../../app/capture/capture-body";
import type { CaptureApi, CaptureCartLine, CaptureCustomer, CaptureDiscountAllocation, CaptureMoney, ShippingAddress } from "./checkout-api";

/** The body POST /api/capture accepts (type only: nothing of the app is bundled). */
export type CaptureBody = z.input<typeof captureBodySchema>;
type CaptureLine = NonNullable<CaptureBody["lines"]>[number];

/** Plain values read from the checkout's signals at one moment. */
export interface CheckoutSnapshot {
  checkoutToken: string | undefined;
  email: string | undefined;
  phone: string | undefined;
  customer: CaptureCustomer | undefined;
  shippingAddress: ShippingAddress | undefined;
  lines: CaptureCartLine[];
  subtotal: CaptureMoney | undefined;
  total: CaptureMoney | undefined;
  discountCodes: { code: string }[];
  discountAllocations: CaptureDiscountAllocation[];
  attributes: { key: string; value: string }[];
  language: string | undefined;
  currency: string | undefined;
}

// Limits the server enforces (app/capture/capture-body.ts): clipping here
// keeps one odd value from turning the whole capture into a 400.
const MAX_BODY_BYTES = 60_000;
const MAX_LINES = 500;
const MAX_CODES = 50;
const MAX_ATTRIBUTES = 100;
const MAX_UTM = 20;
const UTM_KEY = /^(utm_[a-z_]+|fbclid|gclid)$/i;

export function readSnapshot(api: CaptureApi): CheckoutSnapshot {
  return {
    checkoutToken: api.checkoutToken.value,
    email: api.buyerIdentity?.email.value,
    phone: api.buyerIdentity?.phone.value,
    customer: api.buyerIdentity?.customer.value,
    shippingAddress: api.shippingAddress?.value,
    lines: api.lines.value,
    subtotal: api.cost.subtotalAmount.value,
    total: api.cost.totalAmount.value,
    discountCodes: api.discountCodes.value,
    discountAllocations: api.discountAllocations.value,
    attributes: api.attributes.value,
    language: api.localization.language.value?.isoCode,
    currency: api.localization.currency.value?.isoCode,
  };
}

const clip = (value: string | undefined | null, max: number): string | undefined => {
  const text = value?.trim();
  return text ? text.slice(0, max) : undefined;
};

/** `gid://shopify/ProductVariant/4551` -> `4551`, the id BSPs and webhooks use. */
export function numericId(gid: string | undefined | null): string | undefined {
  if (!gid) return undefined;
  const match = /(\d+)(?:\?.*)?$/.exec(gid);
  return match ? match[1] : clip(gid, 100);
}

const round = (amount: number) => Math.round(amount * 100) / 100;
const moneyOf = (money: CaptureMoney | undefined) => (money && Number.isFinite(money.amount) && money.amount >= 0 ? round(money.amount) : undefined);

function allocationDiscount(allocation: CaptureDiscountAllocation) {
  const amount = moneyOf(allocation.discountedAmount);
  return allocation.type === "code"
    ? { code: clip(allocation.code, 255), title: clip(allocation.code, 255), type: "code", amount }
    : { title: clip(allocation.title, 255), type: allocation.type, amount };
}

function lineOf(line: CaptureCartLine): CaptureLine {
  const merchandise = line.merchandise;
  const linePrice = moneyOf(line.cost.totalAmount);
  const discounted = line.discountAllocations.reduce((sum, a) => sum + (moneyOf(a.discountedAmount) ?? 0), 0);
  // The checkout gives the line's price after its discounts; the price before them is that plus the allocations.
  const originalLinePrice = linePrice === undefined ? undefined : round(linePrice + discounted);
  const quantity = Math.max(0, Math.floor(line.quantity));
  const imageUrl = merchandise.image?.url;
  const variantTitle = merchandise.subtitle ?? merchandise.selectedOptions?.map((option) => option.value).join(" / ");
  return {
    variantId: numericId(merchandise.id),
    productId: numericId(merchandise.product.id),
    title: clip(merchandise.title, 500),
    variantTitle: clip(variantTitle, 500),
    sku: clip(merchandise.sku, 255),
    quantity,
    imageUrl: imageUrl && /^https?:\/\//.test(imageUrl) && imageUrl.length <= 2048 ? imageUrl : undefined,
    unitPrice: originalLinePrice !== undefined && quantity > 0 ? round(originalLinePrice / quantity) : undefined,
    linePrice,
    originalLinePrice,
    discounts: line.discountAllocations.slice(0, 50).map(allocationDiscount),
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

/** UTM parameters from cart attributes: named directly, or inside a landing-page URL a theme stored. */
export function utmFromAttributes(attributes: { key: string; value: string }[]): Record<string, string> | undefined {
  const found: [string, string][] = [];
  for (const { key, value } of attributes) {
    if (UTM_KEY.test(key)) found.push([key.toLowerCase(), value]);
    else if (/landing|referr?al_url/i.test(key) && value) {
      try {
        for (const [name, param] of new URL(value, "https://shop.invalid").searchParams) {
          if (UTM_KEY.test(name)) found.push([name.toLowerCase(), param]);
        }
      } catch {
        // not a URL: keep it only as an attribute
      }
    }
  }
  return stringMap(found, MAX_UTM);
}

function addressOf(address: ShippingAddress | undefined): CaptureBody["shippingAddress"] {
  if (!address) return undefined;
  const fields = {
    firstName: clip(address.firstName, 255),
    lastName: clip(address.lastName, 255),
    address1: clip(address.address1, 255),
    address2: clip(address.address2, 255),
    city: clip(address.city, 255),
    provinceCode: clip(address.provinceCode, 16),
    zip: clip(address.zip, 32),
    countryCode: address.countryCode && /^[A-Za-z]{2}$/.test(address.countryCode) ? address.countryCode : undefined,
    phone: clip(address.phone, 40),
  };
  return Object.values(fields).some((value) => value !== undefined) ? fields : undefined;
}

/**
 * The capture body for a snapshot, or null when the checkout has no token yet
 * (Shopify creates it on the server a moment after checkout opens).
 */
export function buildCaptureBody(
  snapshot: CheckoutSnapshot,
  whatsappOptIn: boolean | null,
  occurredAt: Date,
  optInText: string | null = null,
): CaptureBody | null {
  const checkoutToken = snapshot.checkoutToken?.trim();
  if (!checkoutToken) return null;
  const allocations = [...snapshot.discountAllocations, ...snapshot.lines.flatMap((line) => line.discountAllocations)];
  const totalDiscount = allocations.reduce((sum, a) => sum + (moneyOf(a.discountedAmount) ?? 0), 0);
  const codes = new Set<string>();
  for (const { code } of snapshot.discountCodes) if (clip(code, 255)) codes.add(clip(code, 255)!);
  for (const a of allocations) if (a.type === "code" && clip(a.code, 255)) codes.add(clip(a.code, 255)!);
  const currency = snapshot.total?.currencyCode ?? snapshot.currency;

  const body: CaptureBody = {
    checkoutToken,
    occurredAt: occurredAt.toISOString(),
    email: clip(snapshot.email ?? snapshot.customer?.email, 254),
    phone: clip(snapshot.phone ?? snapshot.customer?.phone, 40),
    whatsappOptIn: whatsappOptIn ?? undefined,
    // The evidence travels with the answer it explains, in the buyer's locale below.
    whatsappOptInText: whatsappOptIn === null ? undefined : (clip(optInText, 1000) ?? undefined),
    emailMarketing: snapshot.customer?.acceptsEmailMarketing,
    smsMarketing: snapshot.customer?.acceptsSmsMarketing,
    shippingAddress: addressOf(snapshot.shippingAddress),
    lines: snapshot.lines.slice(0, MAX_LINES).map(lineOf),
    currency: currency && /^[A-Za-z]{3}$/.test(currency) ? currency : undefined,
    subtotal: moneyOf(snapshot.subtotal),
    total: moneyOf(snapshot.total),
    totalDiscount: round(totalDiscount),
    discountCodes: [...codes].slice(0, MAX_CODES),
    attributes: stringMap(
      snapshot.attributes.map((a) => [a.key, a.value]),
      MAX_ATTRIBUTES,
    ),
    utm: utmFromAttributes(snapshot.attributes),
    locale: clip(snapshot.language, 35),
  };
  return fitBody(body);
}

/** Drops the least useful weight (images, then trailing lines) until the body is under the server's 64 KB. */
const byteLength = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

function fitBody(body: CaptureBody): CaptureBody {
  if (byteLength(body) <= MAX_BODY_BYTES) return body;
  let lines = (body.lines ?? []).map((line) => ({ ...line, imageUrl: undefined }));
  let fitted = { ...body, lines };
  while (byteLength(fitted) > MAX_BODY_BYTES && lines.length > 0) {
    lines = lines.slice(0, Math.floor(lines.length / 2));
    fitted = { ...body, lines };
  }
  return fitted;
}

/** The part of a body that says whether anything changed: everything but the time. */
export function snapshotKey(body: CaptureBody): string {
  const { occurredAt: _occurredAt, ...rest } = body;
  return JSON.stringify(rest);
}
