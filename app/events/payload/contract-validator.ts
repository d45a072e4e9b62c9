import { readdirSync, readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { schemaFileName } from "./contract-schema";
import { CART_TOPICS, EVENT_TOPICS, FORMAT_VERSION, PAYLOAD_FORMATS, type EventTopic, type PayloadFormat } from "./formats";

// Checks one received delivery against the published contract files in
// docs/bsp/schemas/ (not against the code that generated them), the way a BSP
// validating our events would. The test receivers and the demo's inbox call
// it on every request.

const SCHEMA_DIR = new URL("../../../docs/bsp/schemas/", import.meta.url);

type HeaderBag = Record<string, string | string[] | undefined>;

interface Validators {
  headers: ValidateFunction;
  bodies: Map<string, ValidateFunction>;
}

let compiled: Validators | null = null;

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

function validators(): Validators {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const read = (file: string) => JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), "utf8")) as object;
  const present = new Set(readdirSync(SCHEMA_DIR));
  const bodies = new Map<string, ValidateFunction>();
  for (const topic of EVENT_TOPICS) {
    for (const format of PAYLOAD_FORMATS) {
      const file = schemaFileName(topic, format);
      if (!present.has(file)) throw new Error(`docs/bsp/schemas/${file} is missing: run npm run bsp:contract generate`);
      bodies.set(`${topic} ${format}`, ajv.compile(read(file)));
    }
  }
  compiled = { headers: ajv.compile(read("headers.json")), bodies };
  return compiled;
}

const FORMAT_BY_VERSION = new Map<string, PayloadFormat>(PAYLOAD_FORMATS.map((format) => [FORMAT_VERSION[format], format]));

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((error) => {
    const path = error.instancePath || "/";
    const detail = error.keyword === "additionalProperties" ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : "";
    return `${where} ${path} ${error.message}${detail}`;
  });
}

function flatten(headers: HeaderBag): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return flat;
}

export interface ContractCheck {
  topic: EventTopic | null;
  format: PayloadFormat | null;
  /** Empty when the delivery conforms; otherwise one line per violation. */
  problems: string[];
}

/** Whether one delivery (its headers and raw body) conforms to docs/bsp/. */
export function checkDeliveryContract(headers: HeaderBag, rawBody: string): ContractCheck {
  const { headers: headerSchema, bodies } = validators();
  const flat = flatten(headers);
  const problems = headerSchema(flat) ? [] : describe(headerSchema.errors, "headers");
  const topic = (EVENT_TOPICS as readonly string[]).includes(flat["x-webhook-topic"] ?? "") ? (flat["x-webhook-topic"] as EventTopic) : null;
  const format = FORMAT_BY_VERSION.get(flat["x-webhook-version"] ?? "") ?? null;
  if (!topic || !format) return { topic, format, problems: problems.length > 0 ? problems : ["headers do not name a known topic and version"] };

  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { topic, format, problems: [...problems, "body is not JSON"] };
  }
  const validate = bodies.get(`${topic} ${format}`)!;
  if (!validate(body)) problems.push(...describe(validate.errors, `${topic} body`));

  const record = (body ?? {}) as { eventId?: unknown; storeUrl?: unknown; data?: { storeUrl?: unknown } };
  if (CART_TOPICS.has(topic)) {
    if (record.eventId !== flat["x-idempotency-key"]) problems.push("x-idempotency-key differs from the body's eventId");
    if (record.storeUrl !== flat["x-store-url"]) problems.push("x-store-url differs from the body's storeUrl");
  } else if (record.data?.storeUrl !== flat["x-store-url"]) {
    problems.push("x-store-url differs from the body's data.storeUrl");
  }
  if (flat["webhook-id"] !== undefined && flat["webhook-id"] !== flat["x-idempotency-key"]) problems.push("webhook-id differs from x-idempotency-key");
  return { topic, format, problems };
}
