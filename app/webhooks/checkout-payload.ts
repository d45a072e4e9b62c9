import { z } from "zod";
import type { FieldValues, Observation } from "../capture/merge";
import { observedAt } from "../capture/observations";

// The REST Checkout resource Shopify sends on checkouts/create|update. Shopify
// is trusted, but the shape is still checked so a surprise gets a 400 naming
// the field instead of a crash or a half-written row.

const str = z.string().nullish();
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).nullish();
const id = z.union([z.number(), z.string()]).nullish();

const restAddress = z
  .object({
    first_name: str,
    last_name: str,
    address1: str,
    address2: str,
    city: str,
    province: str,
    province_code: str,
    zip: str,
    country: str,
    country_code: str,
    phone: str,
  })
  .nullish();

const consentState = z.object({ state: str }).nullish();

export const checkoutWebhookSchema = z.object({
  token: z.string({ error: "is required" }).min(1, "is required").max(255),
  cart_token: str,
  email: str,
  phone: str,
  buyer_accepts_marketing: z.boolean().nullish(),
  buyer_accepts_sms_marketing: z.boolean().nullish(),
  sms_marketing_phone: str,
  abandoned_checkout_url: z.url({ protocol: /^https$/ }).nullish(),
  currency: str,
  presentment_currency: str,
  subtotal_price: num,
  total_price: num,
  total_discounts: num,
  total_line_items_price: num,
  customer_locale: str,
  landing_site: str,
  referring_site: str,
  created_at: str,
  updated_at: str,
  completed_at: str,
  shipping_address: restAddress,
  billing_address: restAddress,
  customer: z
    .object({
      id,
      email: str,
      phone: str,
      first_name: str,
      last_name: str,
      email_marketing_consent: consentState,
      sms_marketing_consent: consentState,
    })
    .nullish(),
  line_items: z
    .array(
      z.object({
        variant_id: id,
        product_id: id,
        title: str,
        variant_title: str,
        presentment_title: str,
        sku: str,
        quantity: z.number().int().nonnegative(),
        price: num,
        line_price: num,
        compare_at_price: num,
        discount_allocations: z.array(z.object({ amount: num, description: str, application_type: str })).nullish(),
      }),
    )
    .max(1000)
    .nullish(),
  discount_codes: z.array(z.object({ code: str, amount: num, type: str })).nullish(),
  note_attributes: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.null()]) })).nullish(),
});

export type CheckoutWebhook = z.infer<typeof checkoutWebhookSchema>;

const money = (value: string | number | null | undefined) => (value === null || value === undefined ? undefined : String(Number(value)));

function consent(state: string | null | undefined): boolean | undefined {
  if (!state) return undefined;
  if (state === "subscribed") return true;
  if (["not_subscribed", "unsubscribed", "redacted", "invalid"].includes(state)) return false;
  return undefined;
}

function utmFromLandingSite(landingSite: string | null | undefined): Record<string, string> | undefined {
  if (!landingSite) return undefined;
  const params = new URL(landingSite, "https://shop.invalid").searchParams;
  const utm = Object.fromEntries([...params].filter(([key]) => key.startsWith("utm_") || key === "fbclid" || key === "gclid"));
  return Object.keys(utm).length > 0 ? utm : undefined;
}

type RestLine = NonNullable<CheckoutWebhook["line_items"]>[number];

/** Shopify's line_price is before discounts; the capture body's linePrice is what the buyer pays. */
function linePrices(line: RestLine): { linePrice: number | null; originalLinePrice: number | null } {
  const before = line.line_price ?? (line.price != null ? Number(line.price) * line.quantity : null);
  if (before === null || before === undefined) return { linePrice: null, originalLinePrice: null };
  const discounted = (line.discount_allocations ?? []).reduce((sum, d) => sum + Number(d.amount ?? 0), 0);
  return { linePrice: Math.max(0, Number(before) - discounted), originalLinePrice: Number(before) };
}

export function checkoutWebhookValues(checkout: CheckoutWebhook): FieldValues {
  const address = checkout.shipping_address ?? {};
  const customer = checkout.customer ?? {};
  const attributes = Object.fromEntries((checkout.note_attributes ?? []).map((a) => [a.name, String(a.value ?? "")]));
  return {
    cartToken: checkout.cart_token,
    email: checkout.email ?? customer.email,
    phone: checkout.phone ?? checkout.sms_marketing_phone ?? customer.phone,
    firstName: address.first_name ?? customer.first_name,
    lastName: address.last_name ?? customer.last_name,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    provinceCode: address.province_code,
    zip: address.zip,
    country: address.country,
    countryCode: address.country_code?.toUpperCase(),
    addressPhone: address.phone ?? checkout.billing_address?.phone,
    currency: (checkout.presentment_currency ?? checkout.currency)?.toUpperCase(),
    subtotal: money(checkout.subtotal_price),
    total: money(checkout.total_price),
    totalDiscount: money(checkout.total_discounts),
    lines: checkout.line_items?.map((line) => ({
      variantId: line.variant_id === null || line.variant_id === undefined ? null : String(line.variant_id),
      productId: line.product_id === null || line.product_id === undefined ? null : String(line.product_id),
      title: line.presentment_title ?? line.title ?? null,
      variantTitle: line.variant_title ?? null,
      sku: line.sku ?? null,
      quantity: line.quantity,
      imageUrl: null,
      unitPrice: line.price === null || line.price === undefined ? null : Number(line.price),
      ...linePrices(line),
      discounts: (line.discount_allocations ?? []).map((d) => ({
        title: d.description ?? null,
        type: d.application_type ?? null,
        amount: d.amount === null || d.amount === undefined ? null : Number(d.amount),
      })),
    })),
    discountCodes: checkout.discount_codes?.map((d) => d.code).filter((code): code is string => Boolean(code)),
    attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    utm: utmFromLandingSite(checkout.landing_site),
    locale: checkout.customer_locale,
    recoveryUrl: checkout.abandoned_checkout_url,
    emailMarketing: consent(customer.email_marketing_consent?.state) ?? checkout.buyer_accepts_marketing ?? undefined,
    smsMarketing: consent(customer.sms_marketing_consent?.state) ?? checkout.buyer_accepts_sms_marketing ?? undefined,
    customerId: customer.id === null || customer.id === undefined ? undefined : String(customer.id),
  };
}

export function checkoutWebhookObservation(checkout: CheckoutWebhook, now: Date): Observation {
  return {
    source: "webhook",
    observedAt: observedAt(checkout.updated_at ?? checkout.created_at, now),
    values: checkoutWebhookValues(checkout),
    buyerActivity: true,
  };
}
