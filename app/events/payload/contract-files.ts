import type { Checkout, Shop } from "@prisma/client";
import pkg from "../../../package.json" with { type: "json" };
import { deliveryBody } from "../subscriptions";
import { DEFAULT_RETRY_MINUTES } from "../delivery-promise";
import { generateEndpointSecret, SECRET_ROTATION_GRACE_HOURS } from "../endpoint-secret";
import { deliveryHeaders } from "../headers";
import { buildCartPayload, buildIntegrationStatusPayload, buildRecoveredPayload, buildTestPayload, sampleCheckout } from "./cart-payload";
import { allContractSchemas, contractDefinitions, deliveryHeadersSchema, openApiRef, topicBodySchema, type JsonSchema } from "./contract-schema";
import { DEFAULT_PAYLOAD_FORMAT, EVENT_TOPICS, FORMAT_VERSION, PAYLOAD_FORMATS, type EventTopic } from "./formats";

// Every generated file of docs/bsp/: the schemas, the OpenAPI document and the
// samples, as path -> content. Deterministic (fixed secrets, ids and clock),
// so `npm run bsp:contract check` and its test can compare byte for byte.

export const CONTRACT_DIR = "docs/bsp";

/** Published so a BSP can check its verifier against the samples. Never used by a real endpoint. */
export const SAMPLE_SECRET = generateEndpointSecret(() => Buffer.from("cart-relay-published-sample-key!", "utf8"));
export const SAMPLE_PREVIOUS_SECRET = generateEndpointSecret(() => Buffer.from("cart-relay-sample-previous-key!!", "utf8"));

const SAMPLE_AT = new Date("2026-01-15T10:30:00.000Z");
const SAMPLE_SHOP = {
  id: "shop_sample",
  domain: "example-store.myshopify.com",
  name: "Example Store",
  currency: "INR",
  countryCode: "IN",
  timezone: "Asia/Kolkata",
} as Shop;
const NO_RULES = { dropFields: [], maskFields: [] };

const EVENT_IDS: Record<EventTopic, string> = {
  abandonedCheckout: "6f1c2f0e-3b7a-4c55-9d3e-2a1b0c9d8e7f",
  checkoutRecovered: "0b7e9a34-5c1d-4f2e-8a6b-7c3d2e1f0a9b",
  integrationStatus: "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f",
  test: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
};

function samplePayload(topic: EventTopic): unknown {
  const context = { eventId: EVENT_IDS[topic], createdAt: SAMPLE_AT };
  const checkout: Checkout = { ...sampleCheckout(SAMPLE_SHOP, new Date(SAMPLE_AT.getTime() - 12 * 60_000)), id: 1042 };
  switch (topic) {
    case "abandonedCheckout":
      return buildCartPayload(checkout, SAMPLE_SHOP, { ...context, topic });
    case "checkoutRecovered":
      return buildRecoveredPayload(
        {
          ...checkout,
          orderId: "5719423320369",
          orderName: "#1042",
          orderTotal: "3837.20",
          orderCurrency: "INR",
          orderCreatedAt: new Date(SAMPLE_AT.getTime() + 42 * 60_000),
          matchType: "permalink",
          recoveryDelayMinutes: 42,
        } as unknown as Checkout,
        SAMPLE_SHOP,
        { ...context, topic, createdAt: new Date(SAMPLE_AT.getTime() + 43 * 60_000) },
      );
    case "integrationStatus":
      return buildIntegrationStatusPayload({
        storeUrl: SAMPLE_SHOP.domain,
        endpointId: "cm5endpoint0sample0000001",
        status: "disabled",
        reason: "the endpoint answered 410 Gone",
        at: SAMPLE_AT,
      });
    case "test":
      return buildTestPayload(SAMPLE_SHOP, { ...context, topic });
  }
}

export interface SampleDelivery {
  topic: EventTopic;
  body: string;
  headers: Record<string, string>;
}

export function sampleDelivery(topic: EventTopic, options: { rotation?: boolean } = {}): SampleDelivery {
  const body = deliveryBody(samplePayload(topic), topic, NO_RULES);
  const headers = deliveryHeaders({
    shopDomain: SAMPLE_SHOP.domain,
    topic,
    format: DEFAULT_PAYLOAD_FORMAT,
    body,
    eventId: EVENT_IDS[topic],
    attempt: 1,
    requestId: "5d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
    timestampMs: SAMPLE_AT.getTime() + (topic === "checkoutRecovered" ? 43 * 60_000 : 0),
    secrets: { current: SAMPLE_SECRET, previous: options.rotation ? SAMPLE_PREVIOUS_SECRET : null },
    standardWebhooks: options.rotation ?? false,
  });
  return { topic, body, headers };
}

/** A complete HTTP/1.1 request: request line, headers, a blank line, then the exact body bytes (no newline after them). */
function httpRequest(sample: SampleDelivery): string {
  const lines = [
    "POST /webhooks/cart-relay HTTP/1.1",
    "host: bsp.example",
    `content-length: ${Buffer.byteLength(sample.body, "utf8")}`,
    ...Object.entries(sample.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join("\n")}\n\n${sample.body}`;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const HEADER_DOCS = deliveryHeadersSchema();

function headerParameters(): JsonSchema[] {
  const properties = HEADER_DOCS.properties as Record<string, JsonSchema>;
  const required = new Set(HEADER_DOCS.required as string[]);
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: "header", required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

const RECEIVER_RESPONSES = {
  "2XX": { description: "Accepted. Any 2xx ends the delivery; the body is ignored. Answer within 10 seconds, before slow work." },
  "410": { description: "Gone: the endpoint is disabled at once (no more retries, no more events) and an integrationStatus event is recorded." },
  "429": {
    description: "Too many requests: retried; a Retry-After header (seconds or an HTTP date) is honoured up to 6 hours.",
    headers: { "Retry-After": { schema: { type: "string" } } },
  },
  "503": {
    description: "Unavailable: retried; a Retry-After header (seconds or an HTTP date) is honoured up to 6 hours.",
    headers: { "Retry-After": { schema: { type: "string" } } },
  },
  default: { description: "Any other status, a timeout (10 s), a redirect or a network error is a failure and is retried per the endpoint's policy." },
};

const TOPIC_WHEN: Record<EventTopic, string> = {
  abandonedCheckout:
    "A captured checkout with a phone or email went idle for the shop's abandon-after minutes (default 10) with no order. At most one per checkout.",
  checkoutRecovered:
    "An order was linked to a checkout that had been sent as abandoned: stop the flow. Same body as abandonedCheckout plus `order` and `recovery`.",
  integrationStatus:
    "An endpoint was connected, paused, disabled (after continuous failures or a 410) or the app was uninstalled. Shaped like Cashfree's partner webhooks.",
  test: 'The merchant pressed Test (or Check receiver): a realistic abandonedCheckout body with `"test": true`. Do not message anyone.',
};

function openApiDocument(): JsonSchema {
  const schemas: Record<string, JsonSchema> = { ...contractDefinitions() };
  for (const topic of EVENT_TOPICS) schemas[`${topic[0].toUpperCase()}${topic.slice(1)}`] = topicBodySchema(topic, openApiRef);
  const webhooks = Object.fromEntries(
    EVENT_TOPICS.map((topic) => {
      const name = `${topic[0].toUpperCase()}${topic.slice(1)}`;
      const sample = sampleDelivery(topic);
      return [
        topic,
        {
          post: {
            operationId: `receive${name}`,
            summary: TOPIC_WHEN[topic],
            description: `Sent with x-webhook-topic: ${topic}, by POST (or PUT when the endpoint says so). The body is the same in both formats (${PAYLOAD_FORMATS.join(", ")}); only x-webhook-version differs.`,
            parameters: headerParameters(),
            requestBody: {
              required: true,
              content: { "application/json": { schema: { $ref: openApiRef(name) }, example: JSON.parse(sample.body) as unknown } },
            },
            responses: RECEIVER_RESPONSES,
          },
        },
      ];
    }),
  );
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Cart Relay outgoing webhooks",
      version: pkg.version,
      summary: "Signed abandonedCheckout events in Cashfree's format, for WhatsApp BSPs.",
      description: "What a BSP endpoint receives from Cart Relay. The guide (docs/bsp/README.md) explains signatures, rotation, retries and idempotency.",
    },
    webhooks,
    components: { schemas },
  };
}

/** Every generated file under docs/bsp/, path relative to the repository root -> exact content. */
export function contractFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file, schema } of allContractSchemas()) files.set(`${CONTRACT_DIR}/schemas/${file}`, json(schema));
  files.set(`${CONTRACT_DIR}/schemas/headers.json`, json(HEADER_DOCS));
  files.set(`${CONTRACT_DIR}/openapi.json`, json(openApiDocument()));
  for (const topic of EVENT_TOPICS) {
    const sample = sampleDelivery(topic);
    files.set(`${CONTRACT_DIR}/samples/${topic}.json`, json(JSON.parse(sample.body)));
    files.set(`${CONTRACT_DIR}/samples/${topic}.http`, httpRequest(sample));
  }
  files.set(`${CONTRACT_DIR}/samples/abandonedCheckout.rotation.http`, httpRequest(sampleDelivery("abandonedCheckout", { rotation: true })));
  files.set(
    `${CONTRACT_DIR}/samples/secrets.json`,
    json({
      description: "The secrets the samples are signed with. Published for testing verifiers only; no endpoint uses them.",
      secret: SAMPLE_SECRET,
      previousSecret: SAMPLE_PREVIOUS_SECRET,
      formats: Object.fromEntries(PAYLOAD_FORMATS.map((format) => [format, { "x-webhook-version": FORMAT_VERSION[format] }])),
      rotationGraceHours: SECRET_ROTATION_GRACE_HOURS,
      defaultRetryMinutes: DEFAULT_RETRY_MINUTES,
    }),
  );
  return files;
}
