import type { Checkout, Shop } from "@prisma/client";

// The cart payload (DESIGN.md "Outgoing event contract", format
// cashfree-2025-01-01): a strict superset of Cashfree's abandoned-cart sample
// (seeds/002). Every sample key is always present with the sample's JSON
// type; an unknown string is "" and an unknown number is null, except the
// keys the sample itself shows as null (`platform`'s slot is now "shopify",
// `customer.shippingAddress.name` stays null). Key order follows the sample,
// then our additions.

/** Cart attribute our permalinks carry; orders/create returns it in note_attributes. */
export const ATTRIBUTION_ATTRIBUTE = "_cart_relay";

/** The utm keys the sample always sends, in its order. */
export const UTM_KEYS = ["fbclid", "utm_campaign", "utm_medium", "utm_content", "utm_source"] as const;

export interface PayloadContext {
  /** Also the x-idempotency-key: identical on every attempt. */
  eventId: string;
  topic: "abandonedCheckout" | "checkoutRecovered" | "test";
  createdAt: Date;
}

export interface LineDiscount {
  title: string;
  description: string;
  /** Always FIXED: `value` is the money allocated to the line, whatever the discount's own kind. */
  type: "FIXED";
  value: number;
}

/**
 * One cart line. How each field is derived from a captured line:
 * - `reference`: the product id (numeric part of a gid), null when unknown.
 * - `variantId`: the variant id, likewise.
 * - `skuName`: the SKU, "" when none.
 * - `name`: product title, then " - " and the variant title unless it is
 *   Shopify's "Default Title" (the sample's "Jordans - Black").
 * - `description`: "" (not captured).
 * - `detailsUrlStr`: the product page `https://{shop}/products/{handle}` when
 *   the product's handle was captured (the web pixel reports it), else "".
 * - `imageUrlStr`: the image URL captured from checkout, "" when none.
 * - `imageS3UrlStr`: the same URL; Cashfree re-hosts images there, we do not.
 * - `originalPrice`: per unit, before discounts (the captured unit price, else
 *   the line price / quantity); null when no price was captured.
 * - `discountedPrice`: per unit, after this line's discounts:
 *   (originalPrice × quantity − Σ discounts) / quantity, never below 0.
 * - `currency`: the checkout's currency, else the shop's.
 * - `quantity`: as captured.
 * - `discounts`: the allocations to this line; `value` is the line's total
 *   share (the sample's 200 on 2 × 500 → 400 each).
 */
export interface CartLineItem {
  reference: number | null;
  variantId: number | null;
  skuName: string;
  name: string;
  description: string;
  detailsUrlStr: string;
  imageUrlStr: string;
  imageS3UrlStr: string;
  originalPrice: number | null;
  discountedPrice: number | null;
  currency: string;
  quantity: number;
  discounts: LineDiscount[];
}

export interface Promotion {
  code: string;
  value: number;
}

export interface ShippingAddress {
  customerName: string;
  address1: string;
  address2: string;
  city: string;
  province: string;
  country: string;
  zip: string;
  email: string;
  /** The phone as the buyer typed it; the top-level `phone` is its E.164 form. */
  phone: string;
  name: null;
  provinceCode: string;
  countryCode: string;
}

export type UtmParameters = Record<(typeof UTM_KEYS)[number], string> & Record<string, string>;

export interface MarketingConsent {
  email: boolean | null;
  sms: boolean | null;
  whatsapp: boolean | null;
}

export interface CartPayload {
  cartId: number;
  storeUrl: string;
  platform: "shopify";
  cartToken: string;
  email: string;
  /** E.164 (`+916000376569`), "" when no valid number was captured. */
  phone: string;
  abandonedCheckoutUrl: string;
  /** Σ originalPrice × quantity; else the captured subtotal or total. */
  originalTotalPrice: number | null;
  /** The captured total; else originalTotalPrice − totalDiscount. */
  totalPrice: number | null;
  /** The captured total discount; else Σ line discounts. */
  totalDiscount: number;
  utmParameters: UtmParameters;
  lineItems: CartLineItem[];
  promotions: Promotion[];
  customer: {
    email: string;
    firstName: string;
    lastName: string;
    shippingAddress: ShippingAddress;
  };
  eventId: string;
  topic: PayloadContext["topic"];
  createdAt: string;
  checkoutToken: string;
  currency: string;
  marketingConsent: MarketingConsent;
  /** The checkout's single-use recovery code when the shop generates them, else null. */
  discountCode: DiscountCode | null;
}

export interface DiscountCode {
  code: string;
  type: "percentage" | "fixed_amount";
  /** percent off ("10") or the amount off in the shop's currency ("150.00") */
  value: string;
  /** ISO 8601; null when the code does not end */
  endsAt: string | null;
}

/** The recovery code Shopify made for the checkout; none while it is not made (or could not be). */
export function recoveryDiscountOf(checkout: Checkout): DiscountCode | null {
  if (!checkout.recoveryCode || !checkout.recoveryDiscountId) return null;
  return {
    code: checkout.recoveryCode,
    type: checkout.recoveryCodeType === "fixed_amount" ? "fixed_amount" : "percentage",
    value: checkout.recoveryCodeValue ?? "0",
    endsAt: checkout.recoveryCodeEndsAt?.toISOString() ?? null,
  };
}

/** What the recovery code would take off this cart. */
function recoveryPromotion(discount: DiscountCode, originalTotalPrice: number | null): Promotion {
  const value = Number(discount.value);
  if (discount.type === "fixed_amount") return { code: discount.code, value: money(originalTotalPrice === null ? value : Math.min(value, originalTotalPrice)) };
  return { code: discount.code, value: originalTotalPrice === null ? 0 : money((originalTotalPrice * value) / 100) };
}

export interface RecoveredPayload extends CartPayload {
  order: {
    /** A string: Shopify order ids can exceed JSON's safe integers. */
    id: string | null;
    name: string | null;
    totalPrice: number | null;
    currency: string | null;
    createdAt: string | null;
  };
  recovery: {
    matchType: string | null;
    delayMinutes: number | null;
  };
}

export const INTEGRATION_STATUSES = ["connected", "paused", "disabled", "uninstalled"] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

export interface IntegrationStatusPayload {
  data: {
    storeUrl: string;
    endpointId: string;
    status: IntegrationStatus;
    reason: string | null;
  };
  event_time: string;
  type: "INTEGRATION_STATUS";
  version: 1;
}

/** A captured line as stored in Checkout.lines (capture body or checkout webhook), read defensively. */
interface StoredLine {
  variantId: string | null;
  productId: string | null;
  title: string | null;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  imageUrl: string | null;
  productHandle: string | null;
  unitPrice: number | null;
  linePrice: number | null;
  discounts: { title: string | null; code: string | null; amount: number }[];
}

type Decimalish = { toString(): string } | null | undefined;

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);

function finite(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

function fromDecimal(value: Decimalish): number | null {
  return value === null || value === undefined ? null : finite(value.toString());
}

// Float sums of prices (0.1 + 0.2) must not leak binary noise into the JSON;
// four places keep every currency's minor units.
function money(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Digits of a Shopify id, from `45515259445425` or `gid://shopify/ProductVariant/45515259445425`. */
export function shopifyIdDigits(value: unknown): string | null {
  const raw = typeof value === "number" ? String(value) : text(value);
  const match = raw ? /^(?:gid:\/\/shopify\/\w+\/)?(\d+)$/.exec(raw) : null;
  return match ? match[1] : null;
}

function shopifyIdNumber(value: unknown): number | null {
  const digits = shopifyIdDigits(value);
  const number = digits === null ? null : Number(digits);
  return number !== null && Number.isSafeInteger(number) ? number : null;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function readLines(json: unknown): StoredLine[] {
  if (!Array.isArray(json)) return [];
  return json.map((entry) => {
    const line = record(entry);
    const quantity = finite(line.quantity);
    return {
      variantId: shopifyIdDigits(line.variantId),
      productId: shopifyIdDigits(line.productId),
      title: text(line.title),
      variantTitle: text(line.variantTitle),
      sku: text(line.sku),
      quantity: quantity !== null && quantity > 0 ? Math.trunc(quantity) : 0,
      imageUrl: text(line.imageUrl),
      productHandle: text(line.productHandle),
      unitPrice: finite(line.unitPrice),
      linePrice: finite(line.linePrice),
      discounts: (Array.isArray(line.discounts) ? line.discounts : []).map((d) => {
        const discount = record(d);
        return { title: text(discount.title), code: text(discount.code), amount: finite(discount.amount) ?? 0 };
      }),
    };
  });
}

function stringList(json: unknown): string[] {
  return Array.isArray(json) ? json.map(text).filter((value): value is string => value !== null) : [];
}

function stringMap(json: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(json)).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

function lineName(line: StoredLine): string {
  const title = line.title ?? "";
  const variant = line.variantTitle && line.variantTitle !== "Default Title" ? line.variantTitle : null;
  if (!variant || title.endsWith(variant)) return title || variant || "";
  return title ? `${title} - ${variant}` : variant;
}

function unitPriceOf(line: StoredLine): number | null {
  if (line.unitPrice !== null) return line.unitPrice;
  if (line.linePrice !== null && line.quantity > 0) return money(line.linePrice / line.quantity);
  return null;
}

/** The product page on the shop's own domain; Shopify redirects it to the primary domain. */
function productPageUrl(shopDomain: string, handle: string | null): string {
  return handle ? `https://${shopDomain}/products/${encodeURIComponent(handle)}` : "";
}

/**
 * The country's English name for an ISO 3166 code, or in the buyer's checkout
 * language when it is known (`fr` gives "Inde"): the language the buyer's
 * message will be written in. "" for a code Intl does not know.
 */
export function countryName(code: string | null, locale: string | null): string {
  const region = code?.trim().toUpperCase();
  if (!region || !/^[A-Z]{2}$/.test(region)) return "";
  const names = (locales: string[]) => new Intl.DisplayNames(locales, { type: "region", fallback: "none" }).of(region);
  let name: string | undefined;
  try {
    name = names(locale ? [locale, "en"] : ["en"]);
  } catch {
    name = names(["en"]); // a malformed locale tag
  }
  return name ?? "";
}

function lineItem(line: StoredLine, currency: string, shopDomain: string): CartLineItem {
  const originalPrice = unitPriceOf(line);
  const discountTotal = line.discounts.reduce((sum, d) => sum + d.amount, 0);
  const discountedPrice =
    originalPrice === null ? null : line.quantity > 0 ? money(Math.max(0, (originalPrice * line.quantity - discountTotal) / line.quantity)) : originalPrice;
  return {
    reference: shopifyIdNumber(line.productId),
    variantId: shopifyIdNumber(line.variantId),
    skuName: line.sku ?? "",
    name: lineName(line),
    description: "",
    detailsUrlStr: productPageUrl(shopDomain, line.productHandle),
    imageUrlStr: line.imageUrl ?? "",
    imageS3UrlStr: line.imageUrl ?? "",
    originalPrice,
    discountedPrice,
    currency,
    quantity: line.quantity,
    discounts: line.discounts.map((d) => ({ title: d.title ?? d.code ?? "", description: "", type: "FIXED", value: money(d.amount) })),
  };
}

/**
 * Codes and automatic discounts with the money each took off the cart:
 * allocations grouped by code (else title), then any applied code that has
 * no allocation, valued with the cart's discount when it is the only one.
 */
function promotionsOf(lines: StoredLine[], codes: string[], totalDiscount: number): Promotion[] {
  const byCode = new Map<string, number>();
  for (const line of lines) {
    for (const discount of line.discounts) {
      const code = discount.code ?? discount.title;
      if (code) byCode.set(code, (byCode.get(code) ?? 0) + discount.amount);
    }
  }
  const unallocated = codes.filter((code) => !byCode.has(code));
  for (const code of unallocated) byCode.set(code, byCode.size === 0 && unallocated.length === 1 ? totalDiscount : 0);
  return [...byCode].map(([code, value]) => ({ code, value: money(value) }));
}

function utmParameters(json: unknown): UtmParameters {
  const captured = stringMap(json);
  const utm: Record<string, string> = Object.fromEntries(UTM_KEYS.map((key) => [key, captured[key] ?? ""]));
  for (const [key, value] of Object.entries(captured)) if (!(key in utm)) utm[key] = value;
  return utm as UtmParameters;
}

export function buildCartPayload(checkout: Checkout, shop: Shop, context: PayloadContext): CartPayload {
  const currency = text(checkout.currency) ?? shop.currency;
  const lines = readLines(checkout.lines);
  const lineItems = lines.map((line) => lineItem(line, currency, shop.domain));

  const priced = lineItems.filter((item) => item.originalPrice !== null);
  const lineTotal = priced.length > 0 ? money(priced.reduce((sum, item) => sum + item.originalPrice! * item.quantity, 0)) : null;
  const lineDiscounts = money(lines.reduce((sum, line) => sum + line.discounts.reduce((s, d) => s + d.amount, 0), 0));
  const totalDiscount = fromDecimal(checkout.totalDiscount) ?? lineDiscounts;
  const originalTotalPrice = lineTotal ?? fromDecimal(checkout.subtotal) ?? fromDecimal(checkout.total);
  const totalPrice = fromDecimal(checkout.total) ?? (originalTotalPrice === null ? null : money(Math.max(0, originalTotalPrice - totalDiscount)));

  const email = checkout.emailNormalized ?? "";
  const discountCode = recoveryDiscountOf(checkout);
  const promotions = promotionsOf(lines, stringList(checkout.discountCodes), totalDiscount);
  if (discountCode && !promotions.some((p) => p.code === discountCode.code)) promotions.push(recoveryPromotion(discountCode, originalTotalPrice));
  const firstName = text(checkout.firstName) ?? "";
  const lastName = text(checkout.lastName) ?? "";

  return {
    cartId: checkout.id,
    storeUrl: shop.domain,
    platform: "shopify",
    cartToken: text(checkout.cartToken) ?? "",
    email,
    phone: checkout.phoneE164 ?? "",
    abandonedCheckoutUrl: resumeCheckoutUrl(checkout, shop, context.eventId),
    originalTotalPrice,
    totalPrice,
    totalDiscount,
    utmParameters: utmParameters(checkout.utm),
    lineItems,
    promotions,
    customer: {
      email,
      firstName,
      lastName,
      shippingAddress: {
        customerName: [firstName, lastName].filter(Boolean).join(" "),
        address1: text(checkout.address1) ?? "",
        address2: text(checkout.address2) ?? "",
        city: text(checkout.city) ?? "",
        province: text(checkout.province) ?? "",
        country: text(checkout.country) ?? countryName(checkout.countryCode, text(checkout.locale)),
        zip: text(checkout.zip) ?? "",
        email: text(checkout.email) ?? "",
        // The raw input phoneE164 was read from (same precedence as the checkout model).
        phone: text(checkout.phone) ?? text(checkout.addressPhone) ?? "",
        name: null,
        provinceCode: text(checkout.provinceCode) ?? "",
        countryCode: text(checkout.countryCode) ?? "",
      },
    },
    eventId: context.eventId,
    topic: context.topic,
    createdAt: context.createdAt.toISOString(),
    checkoutToken: checkout.token,
    currency,
    marketingConsent: {
      email: checkout.emailMarketing ?? null,
      sms: checkout.smsMarketing ?? null,
      whatsapp: checkout.whatsappOptIn ?? null,
    },
    discountCode,
  };
}

// Brackets are percent-encoded too: Shopify decodes them, and some chat apps
// end a link at a bare "[".
const param = (name: string, value: string) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;

/**
 * Where the buyer resumes: Shopify's own recovery URL when a trusted source
 * gave one, else a cart permalink that rebuilds the cart, pre-fills contact
 * and address, applies the discount codes and carries the attribution
 * attribute (DESIGN.md "abandonedCheckoutUrl").
 */
export function resumeCheckoutUrl(checkout: Checkout, shop: Shop, eventId: string): string {
  const recoveryCode = recoveryDiscountOf(checkout)?.code ?? null;
  const recoveryUrl = text(checkout.recoveryUrl);
  if (recoveryUrl) {
    if (!recoveryCode) return recoveryUrl;
    const url = new URL(recoveryUrl);
    url.searchParams.set("discount", recoveryCode);
    return url.toString();
  }

  const quantities = new Map<string, number>();
  for (const line of readLines(checkout.lines)) {
    if (line.variantId && line.quantity > 0) quantities.set(line.variantId, (quantities.get(line.variantId) ?? 0) + line.quantity);
  }
  const items = [...quantities].map(([variantId, quantity]) => `${variantId}:${quantity}`).join(",");

  const query: string[] = [];
  const add = (name: string, value: string | null | undefined) => {
    const present = text(value);
    if (present) query.push(param(name, present));
  };
  add("checkout[email]", checkout.emailNormalized ?? checkout.email);
  add("checkout[shipping_address][first_name]", checkout.firstName);
  add("checkout[shipping_address][last_name]", checkout.lastName);
  add("checkout[shipping_address][address1]", checkout.address1);
  add("checkout[shipping_address][address2]", checkout.address2);
  add("checkout[shipping_address][city]", checkout.city);
  add("checkout[shipping_address][province]", checkout.provinceCode ?? checkout.province);
  add("checkout[shipping_address][country]", checkout.countryCode ?? checkout.country);
  add("checkout[shipping_address][zip]", checkout.zip);
  add("checkout[shipping_address][phone]", checkout.phoneE164 ?? checkout.addressPhone ?? checkout.phone);
  add("discount", [...new Set([...stringList(checkout.discountCodes), ...(recoveryCode ? [recoveryCode] : [])])].join(","));
  add(`attributes[${ATTRIBUTION_ATTRIBUTE}]`, eventId);

  return `https://${shop.domain}/cart${items ? `/${items}` : ""}${query.length > 0 ? `?${query.join("&")}` : ""}`;
}

export function buildRecoveredPayload(checkout: Checkout, shop: Shop, context: PayloadContext): RecoveredPayload {
  return {
    ...buildCartPayload(checkout, shop, context),
    order: {
      id: checkout.orderId,
      name: checkout.orderName,
      totalPrice: fromDecimal(checkout.orderTotal),
      currency: checkout.orderCurrency,
      createdAt: checkout.orderCreatedAt?.toISOString() ?? null,
    },
    recovery: {
      matchType: checkout.matchType,
      delayMinutes: checkout.recoveryDelayMinutes,
    },
  };
}

/** Shaped like Cashfree's partner webhooks (seeds/004): `{data, event_time, type, version}`. */
export function buildIntegrationStatusPayload(input: {
  storeUrl: string;
  endpointId: string;
  status: IntegrationStatus;
  reason: string | null;
  at: Date;
}): IntegrationStatusPayload {
  return {
    data: { storeUrl: input.storeUrl, endpointId: input.endpointId, status: input.status, reason: input.reason },
    event_time: input.at.toISOString(),
    type: "INTEGRATION_STATUS",
    version: 1,
  };
}

/** What the merchant's Test button sends: a plausible abandoned cart, marked `"test": true`. */
export function buildTestPayload(shop: Shop, context: PayloadContext): CartPayload & { test: true } {
  return { ...buildCartPayload(sampleCheckout(shop, context.createdAt), shop, context), test: true };
}

/** A plausible abandoned checkout: the Test button's cart, and the published samples' (docs/bsp/samples). */
export function sampleCheckout(shop: Shop, createdAt: Date): Checkout {
  const sample: Partial<Checkout> = {
    id: 0,
    shopId: shop.id,
    token: "cart-relay-test-checkout",
    cartToken: "cart-relay-test-cart",
    status: "abandoned",
    email: "priya.sharma@example.com",
    emailNormalized: "priya.sharma@example.com",
    phone: "098765 43210",
    phoneE164: "+919876543210",
    firstName: "Priya",
    lastName: "Sharma",
    address1: "14, 2nd Cross, Indiranagar",
    address2: "Near 100 Feet Road",
    city: "Bengaluru",
    province: "Karnataka",
    provinceCode: "KA",
    zip: "560038",
    country: "India",
    countryCode: "IN",
    addressPhone: "098765 43210",
    currency: shop.currency,
    subtotal: null,
    total: null,
    totalDiscount: null,
    lines: [
      {
        variantId: "44012345678901",
        productId: "8012345678901",
        title: "Cotton Kurta",
        variantTitle: "Indigo / M",
        sku: "KURTA-IND-M",
        quantity: 2,
        imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/cotton-kurta-indigo.jpg",
        productHandle: "cotton-kurta",
        unitPrice: 1299,
        linePrice: 2598,
        originalLinePrice: 2598,
        discounts: [{ title: "WELCOME10", code: "WELCOME10", type: "discount_code", amount: 259.8 }],
      },
      {
        variantId: "44012345678902",
        productId: "8012345678902",
        title: "Leather Sandals",
        variantTitle: "Tan / 8",
        sku: "SANDAL-TAN-8",
        quantity: 1,
        imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/leather-sandals-tan.jpg",
        productHandle: "leather-sandals",
        unitPrice: 1499,
        linePrice: 1499,
        originalLinePrice: 1499,
        discounts: [],
      },
    ],
    discountCodes: ["WELCOME10"],
    attributes: null,
    utm: { utm_source: "instagram", utm_medium: "social", utm_campaign: "summer_sale" },
    locale: "en-IN",
    recoveryUrl: null,
    recoveryCode: "CR-7K3M9Q2XWD",
    recoveryDiscountId: "gid://shopify/DiscountCodeNode/1001",
    recoveryCodeType: "percentage",
    recoveryCodeValue: "10",
    recoveryCodeEndsAt: new Date(createdAt.getTime() + 48 * 60 * 60_000),
    whatsappOptIn: true,
    emailMarketing: true,
    smsMarketing: false,
    lastActivityAt: createdAt,
    createdAt,
    updatedAt: createdAt,
  };
  return sample as Checkout;
}
