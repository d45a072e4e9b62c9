import { z } from "zod";

// The capture body (DESIGN.md "Interfaces"): every field optional except the
// token. Unknown keys are dropped so older and newer extension builds coexist.

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => text(max).optional().nullable();
// A number, or a decimal string as Shopify prints prices ("1100.00"); never
// "" / "0x10" / [] / true, which Number() would quietly turn into amounts.
const DECIMAL = /^-?\d+(\.\d+)?$/;
const money = z
  .union([z.number(), z.string().trim().regex(DECIMAL, "must be a number or a decimal string")], { error: "must be a number or a decimal string" })
  .transform(Number)
  .pipe(z.number({ error: "must be a finite number" }).min(0, "must not be negative").max(1_000_000_000, "is too large"));
const id = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);

export const CHECKOUT_TOKEN_PATTERN = /^[A-Za-z0-9_\-.:?=]{1,255}$/;

export const addressSchema = z.object({
  firstName: optionalText(255),
  lastName: optionalText(255),
  address1: optionalText(255),
  address2: optionalText(255),
  city: optionalText(255),
  province: optionalText(255),
  provinceCode: optionalText(16),
  zip: optionalText(32),
  country: optionalText(100),
  countryCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "must be a two-letter country code")
    .transform((code) => code.toUpperCase())
    .optional()
    .nullable(),
  phone: optionalText(40),
});

export const lineDiscountSchema = z.object({
  title: optionalText(255),
  code: optionalText(255),
  type: optionalText(32),
  amount: money.optional().nullable(),
});

// Prices of a line: `unitPrice` per unit before discounts, `originalLinePrice`
// unitPrice × quantity, `linePrice` what the buyer pays for the line after its
// discounts, `discounts[].amount` each discount's total on the line.
export const lineSchema = z.object({
  variantId: id.optional().nullable(),
  productId: id.optional().nullable(),
  title: optionalText(500),
  variantTitle: optionalText(500),
  sku: optionalText(255),
  quantity: z.number({ error: "must be a number" }).int("must be a whole number").min(0).max(100_000),
  imageUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048)
    .optional()
    .nullable(),
  productHandle: z
    .string()
    .trim()
    .max(255)
    .regex(/^[\p{L}\p{N}_-]+$/u, "must be a product handle (letters, digits, - and _)")
    .optional()
    .nullable(),
  unitPrice: money.optional().nullable(),
  linePrice: money.optional().nullable(),
  originalLinePrice: money.optional().nullable(),
  discounts: z.array(lineDiscountSchema).max(50, "must have at most 50 entries").optional(),
});

const stringMap = (maxEntries: number) =>
  z.record(text(255), text(1000)).refine((map) => Object.keys(map).length <= maxEntries, `must have at most ${maxEntries} entries`);

export const captureBodySchema = z.object(
  {
    checkoutToken: z.string({ error: "is required" }).regex(CHECKOUT_TOKEN_PATTERN, "must be 1-255 letters, digits or -_.:?="),
    occurredAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional().nullable(),
    email: optionalText(254),
    phone: optionalText(40),
    whatsappOptIn: z.boolean({ error: "must be true or false" }).optional().nullable(),
    /** the exact opt-in text shown beside the checkbox, kept as consent evidence with `locale` */
    whatsappOptInText: optionalText(1000),
    emailMarketing: z.boolean({ error: "must be true or false" }).optional().nullable(),
    smsMarketing: z.boolean({ error: "must be true or false" }).optional().nullable(),
    shippingAddress: addressSchema.optional().nullable(),
    lines: z.array(lineSchema).max(500, "must have at most 500 lines").optional().nullable(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "must be a three-letter currency code")
      .transform((code) => code.toUpperCase())
      .optional()
      .nullable(),
    subtotal: money.optional().nullable(),
    total: money.optional().nullable(),
    totalDiscount: money.optional().nullable(),
    discountCodes: z.array(text(255)).max(50, "must have at most 50 entries").optional().nullable(),
    attributes: stringMap(100).optional().nullable(),
    utm: stringMap(20).optional().nullable(),
    locale: optionalText(35),
  },
  { error: "must be a JSON object" },
);

export type CaptureBody = z.infer<typeof captureBodySchema>;
export type CaptureLine = z.infer<typeof lineSchema>;
