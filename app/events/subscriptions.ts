import type { Endpoint } from "@prisma/client";
import { CART_TOPICS, SUBSCRIBABLE_TOPICS, type EventTopic } from "./payload/formats";
import { applyFieldRules } from "./payload/field-rules";

export const DEFAULT_TOPICS: EventTopic[] = [...SUBSCRIBABLE_TOPICS];

export function endpointTopics(endpoint: Pick<Endpoint, "topics">): string[] {
  return Array.isArray(endpoint.topics) ? endpoint.topics.filter((t): t is string => typeof t === "string") : [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Whether an endpoint receives an event of `topic` about this buyer. */
export function endpointWants(
  endpoint: Pick<Endpoint, "status" | "topics" | "consentOnly">,
  topic: string,
  consent: { whatsappOptIn: boolean | null; smsMarketing: boolean | null } | null,
): boolean {
  if (endpoint.status !== "active" || !endpointTopics(endpoint).includes(topic)) return false;
  if (endpoint.consentOnly && CART_TOPICS.has(topic) && topic !== "test") return consent !== null && hasMessagingConsent(consent);
  return true;
}

/**
 * Who hears that a checkout was recovered: the endpoints that were sent its
 * abandoned checkout (they already passed the consent filter) and still want
 * the topic.
 */
export function recoveryReceivers<E extends Pick<Endpoint, "status" | "topics">>(endpointsSentTheCheckout: E[]): E[] {
  return endpointsSentTheCheckout.filter((endpoint) => endpoint.status === "active" && endpointTopics(endpoint).includes("checkoutRecovered"));
}

/** The exact body an endpoint is sent for an event: its drop/mask rules applied to cart payloads. */
export function deliveryBody(payload: unknown, topic: string, endpoint: Pick<Endpoint, "dropFields" | "maskFields">): string {
  if (!CART_TOPICS.has(topic)) return JSON.stringify(payload);
  return JSON.stringify(applyFieldRules(payload, { drop: stringList(endpoint.dropFields), mask: stringList(endpoint.maskFields) }));
}

/** "Only buyers who opted in": an explicit WhatsApp answer wins; without one, Shopify's SMS consent counts. */
export function hasMessagingConsent(checkout: { whatsappOptIn: boolean | null; smsMarketing: boolean | null }): boolean {
  if (checkout.whatsappOptIn !== null) return checkout.whatsappOptIn;
  return checkout.smsMarketing === true;
}
