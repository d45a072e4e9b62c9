// Payload formats an endpoint can choose (DESIGN.md "Outgoing event contract").
// Both send the same body; they differ only in `x-webhook-version`.

export const PAYLOAD_FORMATS = ["cashfree-2025-01-01", "ecom360-v1"] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];
export const DEFAULT_PAYLOAD_FORMAT: PayloadFormat = "cashfree-2025-01-01";

export const FORMAT_VERSION: Record<PayloadFormat, string> = {
  "cashfree-2025-01-01": "2025-01-01",
  "ecom360-v1": "v1",
};

export const EVENT_TOPICS = ["abandonedCheckout", "checkoutRecovered", "integrationStatus", "test"] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export function isPayloadFormat(value: unknown): value is PayloadFormat {
  return typeof value === "string" && (PAYLOAD_FORMATS as readonly string[]).includes(value);
}

export function isEventTopic(value: unknown): value is EventTopic {
  return typeof value === "string" && (EVENT_TOPICS as readonly string[]).includes(value);
}
