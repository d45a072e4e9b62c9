import { INTEGRATION_STATUSES, UTM_KEYS, type CartLineItem, type CartPayload, type IntegrationStatusPayload, type RecoveredPayload } from "./cart-payload";
import { FIELD_RULE_PATHS } from "./field-rules";
import { EVENT_TOPICS, FORMAT_VERSION, PAYLOAD_FORMATS, type EventTopic, type PayloadFormat } from "./formats";

// The JSON Schemas of what BSPs receive, one per topic and format, built from
// the payload code's own constants. `scripts/bsp-contract.ts` writes them to
// docs/bsp/schemas/ and the OpenAPI document; a test fails when those files
// differ from this module, and every delivery the suite makes is validated
// against the files. Objects are closed (`additionalProperties: false`) so an
// undeclared key fails the suite instead of reaching a BSP unannounced.

export type JsonSchema = { [key: string]: unknown };

export const CONTRACT_BASE_URL = "https://cart-relay.dev/bsp";
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** How a schema points at a shared definition: `#/$defs/X` in a file, `#/components/schemas/X` in OpenAPI. */
export type RefStyle = (name: string) => string;
export const fileRef: RefStyle = (name) => `#/$defs/${name}`;
export const openApiRef: RefStyle = (name) => `#/components/schemas/${name}`;

const string = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: "string", description, ...extra });
const nullableNumber = (description: string): JsonSchema => ({ type: ["number", "null"], description });
const closed = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: "object",
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

const RULES = 'The endpoint\'s field rules may mask it (`D****n`) or drop it (sent as "").';
const ruled = (path: string, description: string, extra: JsonSchema = {}): JsonSchema => {
  if (!FIELD_RULE_PATHS.includes(path)) throw new Error(`${path} is not a field rule path`);
  return string(`${description} ${RULES}`, extra);
};

// E.164 (`+916000376569`); a masked one keeps its length with `*` for hidden digits.
const E164_OR_MASKED = "^(?:\\+[1-9][0-9*]{1,14})?$";

function lineItemSchema(): JsonSchema {
  const properties: Record<keyof CartLineItem, JsonSchema> = {
    reference: { type: ["integer", "null"], description: "Shopify product id; null when unknown." },
    variantId: { type: ["integer", "null"], description: "Shopify variant id; null when unknown." },
    skuName: ruled("lineItems[].skuName", 'The SKU; "" when the variant has none.'),
    name: ruled("lineItems[].name", 'Product title, then " - " and the variant title ("Jordans - Black").'),
    description: string('Always "" (kept for Cashfree compatibility).', { const: "" }),
    detailsUrlStr: string('The product page, `https://{storeUrl}/products/{handle}`, when the product\'s handle was captured; otherwise "".', {
      anyOf: [{ const: "" }, { format: "uri", pattern: "^https://" }],
    }),
    imageUrlStr: ruled("lineItems[].imageUrlStr", "The variant's (else the product's) image URL as captured in checkout; \"\" when none."),
    imageS3UrlStr: ruled("lineItems[].imageS3UrlStr", "The same URL as imageUrlStr (Cashfree re-hosts images; Cart Relay does not)."),
    originalPrice: nullableNumber("Per unit, before discounts; null when no price was captured."),
    discountedPrice: nullableNumber("Per unit, after this line's discounts; null when no price was captured."),
    currency: string("ISO 4217 code of the checkout.", { pattern: "^[A-Z]{3}$" }),
    quantity: { type: "integer", minimum: 0 },
    discounts: {
      type: "array",
      description: "Discounts allocated to this line; `value` is the line's total share.",
      items: closed({
        title: string("The code or the automatic discount's title."),
        description: string('Always "".', { const: "" }),
        type: { const: "FIXED", description: "Always FIXED: `value` is money, whatever the discount's own kind." },
        value: { type: "number", minimum: 0 },
      }),
    },
  };
  return closed(properties, "One cart line, keys as in Cashfree's sample.");
}

function cartProperties(topic: "abandonedCheckout" | "checkoutRecovered" | "test", ref: RefStyle): Record<keyof CartPayload, JsonSchema> {
  return {
    cartId: { type: "integer", minimum: 0, description: "Cart Relay's number for the checkout (0 in test events)." },
    storeUrl: string("The shop's myshopify domain.", { pattern: "^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$" }),
    platform: { const: "shopify" },
    cartToken: ruled("cartToken", 'Shopify\'s cart token; "" when unknown.'),
    email: ruled("email", 'The buyer\'s email, lower-cased; "" when unknown.'),
    phone: string(
      `The buyer's phone in E.164, normalised with the shop's country as default region; "" when no valid number was captured. ${RULES} A masked phone keeps its country code and last 4 digits (\`+91******6569\`).`,
      {
        pattern: E164_OR_MASKED,
      },
    ),
    abandonedCheckoutUrl: ruled(
      "abandonedCheckoutUrl",
      "Where the buyer resumes: Shopify's recovery URL, or a cart permalink carrying `attributes[_cart_relay]=<eventId>`.",
    ),
    originalTotalPrice: nullableNumber("Sum of originalPrice × quantity, else the captured subtotal or total; null when no price is known."),
    totalPrice: nullableNumber("The captured total, else originalTotalPrice − totalDiscount; null when no price is known."),
    totalDiscount: { type: "number", minimum: 0 },
    utmParameters: {
      type: "object",
      description: `Always has ${UTM_KEYS.join(", ")} ("" when unknown), plus any other utm_* or gclid captured.`,
      properties: Object.fromEntries(UTM_KEYS.map((key) => [key, { type: "string" }])),
      required: [...UTM_KEYS],
      additionalProperties: { type: "string" },
    },
    lineItems: { type: "array", items: { $ref: ref("LineItem") } },
    promotions: {
      type: "array",
      description: "Codes and automatic discounts with the money each took off the cart.",
      items: closed({ code: string("Discount code or automatic discount title."), value: { type: "number", minimum: 0 } }),
    },
    customer: closed({
      email: ruled("customer.email", "Same as the top-level email."),
      firstName: ruled("customer.firstName", '"" when unknown.'),
      lastName: ruled("customer.lastName", '"" when unknown.'),
      shippingAddress: { $ref: ref("ShippingAddress") },
    }),
    eventId: string("Unique per event, identical on every attempt; also `x-idempotency-key`.", { minLength: 1 }),
    topic: { const: topic },
    createdAt: string("When the event was created (ISO 8601, UTC).", { format: "date-time" }),
    checkoutToken: ruled("checkoutToken", "Shopify's checkout token."),
    currency: string("ISO 4217 code of the checkout, else the shop's.", { pattern: "^[A-Z]{3}$" }),
    marketingConsent: closed(
      {
        email: { type: ["boolean", "null"] },
        sms: { type: ["boolean", "null"] },
        whatsapp: { type: ["boolean", "null"], description: "The WhatsApp opt-in checkbox of the checkout extension." },
      },
      "true or false as the buyer chose; null when unknown.",
    ),
    discountCode: {
      description:
        "The checkout's single-use recovery code when the shop generates them (also in `promotions[]`, and applied by `abandonedCheckoutUrl` as `discount=`); null otherwise, or when Shopify could not make it.",
      anyOf: [
        { type: "null" },
        closed({
          code: string("The code the buyer types or the link applies.", { minLength: 1 }),
          type: { enum: ["percentage", "fixed_amount"] },
          value: string('Percent off ("10") or the amount off in the shop\'s currency ("150.00").', { pattern: "^\\d+(\\.\\d+)?$" }),
          endsAt: { type: ["string", "null"], format: "date-time", description: "When the code stops working (ISO 8601); null when it does not end." },
        }),
      ],
    },
  };
}

function shippingAddressSchema(): JsonSchema {
  const a = (field: string, description: string) => ruled(`customer.shippingAddress.${field}`, description);
  return closed({
    customerName: a("customerName", 'First and last name; "" when unknown.'),
    address1: a("address1", '"" when unknown.'),
    address2: a("address2", '"" when unknown.'),
    city: a("city", '"" when unknown.'),
    province: a("province", '"" when unknown.'),
    country: a(
      "country",
      "The country's name (\"India\"): as captured, else derived from countryCode in the buyer's checkout language (English when it is unknown).",
    ),
    zip: a("zip", '"" when unknown.'),
    email: a("email", "The email as the buyer typed it."),
    phone: a("phone", "The phone as the buyer typed it (the top-level phone is its E.164 form)."),
    name: { type: "null", description: "Always null, as in Cashfree's sample." },
    provinceCode: a("provinceCode", '"" when unknown.'),
    countryCode: a("countryCode", 'ISO 3166-1 alpha-2; "" when unknown.'),
  });
}

function recoveredProperties(): Record<Exclude<keyof RecoveredPayload, keyof CartPayload>, JsonSchema> {
  return {
    order: closed({
      id: { type: ["string", "null"], description: "Shopify order id, as a string (ids can exceed JSON's safe integers)." },
      name: { type: ["string", "null"], description: "The order's name (`#1001`)." },
      totalPrice: nullableNumber("The order's total."),
      currency: { type: ["string", "null"] },
      createdAt: { type: ["string", "null"], format: "date-time" },
    }),
    recovery: closed({
      matchType: { type: ["string", "null"], description: "How the order was linked: checkout_token, permalink, email or phone." },
      delayMinutes: { type: ["integer", "null"], minimum: 0, description: "Minutes from the first successful delivery to the order." },
    }),
  };
}

function integrationStatusSchema(): JsonSchema {
  const properties: Record<keyof IntegrationStatusPayload, JsonSchema> = {
    data: closed({
      storeUrl: string("The shop's myshopify domain.", { pattern: "^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$" }),
      endpointId: string("Cart Relay's id of the endpoint this event is about.", { minLength: 1 }),
      status: { enum: [...INTEGRATION_STATUSES] },
      reason: { type: ["string", "null"], description: 'Why, in words ("the endpoint answered 410 Gone").' },
    }),
    event_time: string("ISO 8601, UTC.", { format: "date-time" }),
    type: { const: "INTEGRATION_STATUS" },
    version: { const: 1 },
  };
  return closed(properties);
}

const TOPIC_TITLES: Record<EventTopic, string> = {
  abandonedCheckout: "A checkout with a phone or email went idle without an order",
  checkoutRecovered: "An order was linked to a checkout that had been sent as abandoned",
  integrationStatus: "An endpoint was connected, paused, disabled, or the app was uninstalled",
  test: "The merchant pressed Test: a sample abandonedCheckout body marked test: true",
};

/** Shared definitions, by name. */
export function contractDefinitions(): Record<string, JsonSchema> {
  return { LineItem: lineItemSchema(), ShippingAddress: shippingAddressSchema() };
}

/** The body schema of one topic without `$schema`/`$id`, its shared definitions referenced with `ref`. */
export function topicBodySchema(topic: EventTopic, ref: RefStyle): JsonSchema {
  const title = TOPIC_TITLES[topic];
  if (topic === "integrationStatus") return { title, ...integrationStatusSchema() };
  const cart = cartProperties(topic, ref);
  if (topic === "checkoutRecovered") return { title, ...closed({ ...cart, ...recoveredProperties() }) };
  if (topic === "test") return { title, ...closed({ ...cart, test: { const: true } }) };
  return { title, ...closed(cart) };
}

export const schemaFileName = (topic: EventTopic, format: PayloadFormat) => `${topic}.${format}.json`;

/** The self-contained JSON Schema (2020-12) of one topic's body in one format. */
export function topicFormatSchema(topic: EventTopic, format: PayloadFormat): JsonSchema {
  const body = topicBodySchema(topic, fileRef);
  const usesDefs = topic !== "integrationStatus";
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${CONTRACT_BASE_URL}/schemas/${schemaFileName(topic, format)}`,
    ...body,
    description: `Body of a \`${topic}\` delivery in format ${format} (x-webhook-topic: ${topic}, x-webhook-version: ${FORMAT_VERSION[format]}).`,
    ...(usesDefs ? { $defs: contractDefinitions() } : {}),
  };
}

export function allContractSchemas(): { topic: EventTopic; format: PayloadFormat; file: string; schema: JsonSchema }[] {
  return EVENT_TOPICS.flatMap((topic) =>
    PAYLOAD_FORMATS.map((format) => ({ topic, format, file: schemaFileName(topic, format), schema: topicFormatSchema(topic, format) })),
  );
}

const BASE64_SHA256 = "[A-Za-z0-9+/]{43}=";

/** The headers of every delivery (names lower-case, as HTTP/1.1 servers see them). Others may ride along: `host`, `content-length`, the merchant's custom headers. */
export function deliveryHeadersSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    "content-type": { const: "application/json" },
    "user-agent": string("`CartRelay/<version>`.", { pattern: "^CartRelay/\\S+$" }),
    "x-store-url": string("The shop's myshopify domain.", { pattern: "^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$" }),
    "x-webhook-topic": { enum: [...EVENT_TOPICS] },
    "x-webhook-version": {
      enum: PAYLOAD_FORMATS.map((format) => FORMAT_VERSION[format]),
      description: "2025-01-01 for cashfree-2025-01-01, v1 for ecom360-v1.",
    },
    "x-webhook-timestamp": string("Unix time in milliseconds when this attempt was signed.", { pattern: "^[0-9]{13}$" }),
    "x-webhook-signature": string("base64(HMAC-SHA256(key = the whole whsec_... secret as UTF-8 bytes, message = x-webhook-timestamp + raw body)).", {
      pattern: `^${BASE64_SHA256}$`,
    }),
    "x-webhook-signature-previous": string("During a secret rotation only: the same signature made with the previous secret.", {
      pattern: `^${BASE64_SHA256}$`,
    }),
    "x-webhook-attempt": string("1 on the first attempt, then 2, 3 ...", { pattern: "^[1-9][0-9]*$" }),
    "x-idempotency-key": string("The event's id (the body's eventId for cart topics), identical on every attempt: deduplicate on it.", { minLength: 1 }),
    "x-request-id": string("Unique per attempt.", { minLength: 1 }),
    "webhook-id": string("Standard Webhooks, when enabled: the event id, identical on every attempt.", { minLength: 1 }),
    "webhook-timestamp": string("Standard Webhooks, when enabled: Unix time in seconds.", { pattern: "^[0-9]{10}$" }),
    "webhook-signature": string(
      "Standard Webhooks, when enabled: `v1,<base64>` over `webhook-id.webhook-timestamp.body` keyed with the base64-decoded part after whsec_; during a rotation a second, space-separated `v1,` entry made with the previous secret.",
      {
        pattern: `^v1,${BASE64_SHA256}(?: v1,${BASE64_SHA256})?$`,
      },
    ),
  };
  const required = [
    "content-type",
    "user-agent",
    "x-store-url",
    "x-webhook-topic",
    "x-webhook-version",
    "x-webhook-timestamp",
    "x-webhook-signature",
    "x-webhook-attempt",
    "x-idempotency-key",
    "x-request-id",
  ];
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${CONTRACT_BASE_URL}/schemas/headers.json`,
    title: "Headers of every Cart Relay delivery",
    type: "object",
    properties,
    required,
    dependentRequired: { "webhook-id": ["webhook-timestamp", "webhook-signature"], "webhook-signature": ["webhook-id", "webhook-timestamp"] },
  };
}
