import type { CartPayload, RecoveredPayload } from "../events/payload/cart-payload";

// The two Shopify Flow triggers (extensions/flow-checkout-*/shopify.extension.toml)
// and the payload flowTriggerReceive gets for each, built from the cart body
// the delivery stores. Pure. A Flow destination is an endpoint row whose URL
// is FLOW_DESTINATION_URL: it gets deliveries like any endpoint (same
// transaction as the event, same retries, same delivery log) and the worker
// sends them through the Admin API instead of an HTTP POST.

export const FLOW_DESTINATION_URL = "shopify-flow://triggers";
export const FLOW_DESTINATION_NAME = "Shopify Flow";
export const FLOW_PRESET = "shopify_flow";

export function isFlowDestination(url: string): boolean {
  return url === FLOW_DESTINATION_URL;
}

/** Flow's field types used here (Flow trigger reference: "custom field types", and the reference type for a customer). */
export type FlowFieldType = "single_line_text_field" | "number_decimal" | "boolean" | "url" | "customer_reference";

/**
 * A reference field names a Shopify resource: the toml declares only its
 * type, the payload carries it under Flow's own key (`customer_id`, the
 * customer's numeric id), and workflows get the whole customer.
 */
export const isReferenceField = (field: FlowField) => field.type === "customer_reference";

export interface FlowField {
  key: string;
  type: FlowFieldType;
  description: string;
}

export interface FlowTrigger {
  handle: string;
  name: string;
  description: string;
  fields: FlowField[];
}

const COMMON_FIELDS: FlowField[] = [
  { key: "customer_id", type: "customer_reference", description: "The buyer's Shopify customer, when a checkout webhook or an order named one" },
  { key: "Event ID", type: "single_line_text_field", description: "Cart Relay's event id, identical on every retry: use it to run a workflow once per event" },
  { key: "Checkout token", type: "single_line_text_field", description: "The checkout's token" },
  { key: "Email", type: "single_line_text_field", description: "The buyer's email, empty when not captured" },
  { key: "Phone", type: "single_line_text_field", description: "The buyer's phone in E.164, empty when not captured" },
  { key: "Total", type: "number_decimal", description: "The cart total" },
  { key: "Currency", type: "single_line_text_field", description: "ISO 4217 currency code of the total" },
  { key: "Resume link", type: "url", description: "The link that resumes the checkout" },
  { key: "WhatsApp opt-in", type: "boolean", description: "The buyer ticked the WhatsApp checkbox" },
  { key: "Endpoint outcome", type: "single_line_text_field", description: "What the BSP endpoints did with the same event when the trigger was sent" },
];

export const FLOW_TRIGGERS = {
  abandonedCheckout: {
    handle: "checkout-abandoned",
    name: "Checkout abandoned (Cart Relay)",
    description: "A captured checkout with a phone or email went idle without an order",
    fields: COMMON_FIELDS,
  },
  checkoutRecovered: {
    handle: "checkout-recovered",
    name: "Checkout recovered (Cart Relay)",
    description: "An order was linked to a checkout Cart Relay had sent as abandoned",
    fields: [
      ...COMMON_FIELDS,
      { key: "Order name", type: "single_line_text_field", description: "The order's name, e.g. #1001" },
      { key: "Order total", type: "number_decimal", description: "The order's total" },
      { key: "Match type", type: "single_line_text_field", description: "How the order was linked: checkout_token, permalink, phone, email or discount_code" },
    ],
  },
} as const satisfies Record<string, FlowTrigger>;

export type FlowTopic = keyof typeof FLOW_TRIGGERS;
export const FLOW_TOPICS = Object.keys(FLOW_TRIGGERS) as FlowTopic[];

export function isFlowTopic(topic: string): topic is FlowTopic {
  return Object.hasOwn(FLOW_TRIGGERS, topic);
}

/** What the shop's BSP endpoints did with an event, in one line. */
export function endpointOutcome(statuses: readonly string[]): string {
  if (statuses.length === 0) return "no BSP endpoint";
  const count = (wanted: string[]) => statuses.filter((status) => wanted.includes(status)).length;
  const parts = [
    [count(["succeeded"]), "delivered"],
    [count(["pending", "in_flight"]), "pending"],
    [count(["failed", "expired"]), "failed"],
    [count(["cancelled", "cancelled_converted"]), "cancelled"],
  ] as const;
  return `${parts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(", ")} of ${statuses.length} ${statuses.length === 1 ? "endpoint" : "endpoints"}`;
}

export type FlowPayload = Record<string, string | number | boolean>;

/** flowTriggerReceive's `payload`: one value per declared field, never null; the customer reference only when the buyer is a customer. */
export function flowTriggerPayload(topic: FlowTopic, body: CartPayload | RecoveredPayload, outcome: string, customerId: string | null = null): FlowPayload {
  const payload: FlowPayload = {
    // Only when known: a guest checkout has no customer to reference.
    ...(customerId && /^\d+$/.test(customerId) ? { customer_id: Number(customerId) } : {}),
    "Event ID": body.eventId,
    "Checkout token": body.checkoutToken,
    Email: body.email,
    Phone: body.phone,
    Total: body.totalPrice ?? 0,
    Currency: body.currency,
    "Resume link": body.abandonedCheckoutUrl,
    "WhatsApp opt-in": body.marketingConsent.whatsapp === true,
    "Endpoint outcome": outcome,
  };
  if (topic === "checkoutRecovered") {
    const recovered = body as RecoveredPayload;
    payload["Order name"] = recovered.order?.name ?? "";
    payload["Order total"] = recovered.order?.totalPrice ?? 0;
    payload["Match type"] = recovered.recovery?.matchType ?? "";
  }
  return payload;
}
