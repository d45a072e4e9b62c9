import { z } from "zod";
import { captureBodySchema } from "../capture/capture-body";

// What the web pixel posts to /api/pixel. The key identifies the shop; it is
// public (it sits in the storefront's pixel settings), so nothing here is
// trusted beyond filling gaps (decision 003).

export const PIXEL_EVENTS = [
  "checkout_started",
  "checkout_contact_info_submitted",
  "checkout_address_info_submitted",
  "checkout_shipping_info_submitted",
  "payment_info_submitted",
  "checkout_completed",
] as const;

export type PixelEventName = (typeof PIXEL_EVENTS)[number];

export const PIXEL_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * The capture body of /api/capture, minus the WhatsApp opt-in: only the
 * checkbox in the checkout extension can record that consent, never a
 * storefront script. Unknown keys (including a smuggled `whatsappOptIn`) are dropped.
 */
export const pixelCheckoutSchema = captureBodySchema.omit({ whatsappOptIn: true });

export const pixelBodySchema = z.object(
  {
    pixelKey: z.string({ error: "is required" }).regex(PIXEL_KEY_PATTERN, "is not a pixel key"),
    event: z.enum(PIXEL_EVENTS, { error: `must be one of ${PIXEL_EVENTS.join(", ")}` }),
    /** Shopify's id of the customer event, for tracing. */
    eventId: z.string().trim().max(200).optional().nullable(),
    occurredAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }),
    checkout: pixelCheckoutSchema,
  },
  { error: "must be a JSON object" },
);

export type PixelBody = z.infer<typeof pixelBodySchema>;
export type PixelBodyInput = z.input<typeof pixelBodySchema>;
