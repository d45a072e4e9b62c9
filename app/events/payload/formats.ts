// Payload formats an endpoint can choose (DESIGN.md "Outgoing event contract").
// Both send the same body; they differ only in `x-webhook-version`.

export const PAYLOAD_FORMATS = ["cashfree-2025-01-01", "ecom360-v1"] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];
export const DEFAULT_PAYLOAD_FORMAT: PayloadFormat = "cashfree-2025-01-01";

export const FORMAT_VERSION: Record<PayloadFormat, string> = {
  "cashfree-2025-01-01": "2025-01-01",
  "ecom360-v1": "v1",
};

// Every topic list of the app is derived from these, here.
export const EVENT_TOPICS = ["abandonedCheckout", "checkoutRecovered", "integrationStatus", "test"] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

/** Messages about a buyer's checkout: what is counted as sent, and what a bulk resend may bring back. */
export const MESSAGE_TOPICS = ["abandonedCheckout", "checkoutRecovered"] as const satisfies readonly EventTopic[];

/** What an endpoint can subscribe to (and is subscribed to by default); `test` is sent on request only. */
export const SUBSCRIBABLE_TOPICS = [...MESSAGE_TOPICS, "integrationStatus"] as const satisfies readonly EventTopic[];

/** Topics whose body is a buyer's cart, so per-endpoint consent and field rules apply. */
export const CART_TOPICS: ReadonlySet<string> = new Set<EventTopic>([...MESSAGE_TOPICS, "test"]);

/** Status events describe the endpoint itself and tests are the merchant asking: both go out whatever the endpoint's state and say nothing about its health. */
export const CONTROL_TOPICS: ReadonlySet<string> = new Set<EventTopic>(["integrationStatus", "test"]);

export function isPayloadFormat(value: unknown): value is PayloadFormat {
  return typeof value === "string" && (PAYLOAD_FORMATS as readonly string[]).includes(value);
}

export function isEventTopic(value: unknown): value is EventTopic {
  return typeof value === "string" && (EVENT_TOPICS as readonly string[]).includes(value);
}
