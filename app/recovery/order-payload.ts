import { z } from "zod";

const str = z.string().nullish();
const withPhone = z.object({ phone: str }).nullish();

/** The fields of Shopify's orders/create payload attribution needs. */
export const orderWebhookSchema = z.object({
  id: z.union([z.number(), z.string().min(1)], { error: "is required" }).transform(String),
  name: str,
  checkout_token: str,
  cart_token: str,
  email: str,
  contact_email: str,
  phone: str,
  total_price: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/)]).nullish(),
  currency: str,
  presentment_currency: str,
  created_at: z.string({ error: "is required" }),
  note_attributes: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.null()]) })).nullish(),
  customer: z.object({ id: z.union([z.number(), z.string()]).nullish(), email: str, phone: str }).nullish(),
  discount_codes: z.array(z.object({ code: z.string() }).loose()).nullish(),
  shipping_address: withPhone,
  billing_address: withPhone,
});

export type OrderWebhook = z.infer<typeof orderWebhookSchema>;

export function orderAttribute(order: OrderWebhook, name: string): string | null {
  const value = order.note_attributes?.find((attribute) => attribute.name === name)?.value;
  return value === null || value === undefined ? null : String(value);
}

export function orderContacts(order: OrderWebhook): { email: string | null; phones: string[] } {
  const email = order.email ?? order.contact_email ?? order.customer?.email ?? null;
  const phones = [order.phone, order.customer?.phone, order.shipping_address?.phone, order.billing_address?.phone].filter((phone): phone is string =>
    Boolean(phone),
  );
  return { email, phones };
}
