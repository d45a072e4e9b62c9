// Shopify signs a webhook's body only: X-Shopify-Shop-Domain and
// X-Shopify-Topic are not covered by the HMAC. So the shop a handler acts for
// must be the one the signed payload names, and the topic the one the route
// serves (DESIGN.md "Interfaces the app exposes").

export const WEBHOOK_TOPICS = [
  "orders/create",
  "checkouts/create",
  "checkouts/update",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;

export function isMyshopifyDomain(value: string): boolean {
  return MYSHOPIFY_DOMAIN.test(value);
}

/** Where a topic's signed payload names its shop. */
type ShopClaim =
  /** a field holding the myshopify domain; a payload without it is refused */
  | { kind: "field"; fields: string[] }
  /** a storefront URL: its host names the shop when it is a myshopify domain (a custom domain proves nothing either way) */
  | { kind: "url"; field: string }
  /** the payload does not name its shop (app/scopes_update: `{id, previous, current, updated_at}`) */
  | { kind: "none" };

const SHOP_CLAIMS: Record<WebhookTopic, ShopClaim> = {
  "customers/data_request": { kind: "field", fields: ["shop_domain"] },
  "customers/redact": { kind: "field", fields: ["shop_domain"] },
  "shop/redact": { kind: "field", fields: ["shop_domain"] },
  // The Shop resource: `domain` is the primary (possibly custom) domain, `myshopify_domain` the permanent one.
  "app/uninstalled": { kind: "field", fields: ["myshopify_domain", "domain"] },
  "checkouts/create": { kind: "url", field: "abandoned_checkout_url" },
  "checkouts/update": { kind: "url", field: "abandoned_checkout_url" },
  "orders/create": { kind: "url", field: "order_status_url" },
  "app/scopes_update": { kind: "none" },
};

function hostOf(url: unknown): string | null {
  if (typeof url !== "string") return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Why the payload's shop is not the header's shop, or null when they agree. */
export function shopMismatch(topic: WebhookTopic, headerShop: string, payload: unknown): string | null {
  const claim = SHOP_CLAIMS[topic];
  const body = (payload !== null && typeof payload === "object" ? payload : {}) as Record<string, unknown>;
  if (claim.kind === "field") {
    const field =
      claim.fields.find((name) => typeof body[name] === "string" && isMyshopifyDomain(String(body[name]).toLowerCase())) ??
      claim.fields.find((name) => body[name] !== undefined && body[name] !== null);
    if (!field) return `${claim.fields[0]} is required`;
    if (String(body[field]).toLowerCase() !== headerShop) return `${field} does not match X-Shopify-Shop-Domain`;
    return null;
  }
  if (claim.kind === "url") {
    const host = hostOf(body[claim.field]);
    if (host && isMyshopifyDomain(host) && host !== headerShop) return `${claim.field} names another shop than X-Shopify-Shop-Domain`;
  }
  return null;
}
