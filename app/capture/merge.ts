// One merge for the three capture channels (DESIGN.md "Data flow"):
// trusted sources (checkout extension with a session token, Shopify-signed
// webhooks) win per field by recency; the pixel, whose key is public, only
// fills gaps. Empty values never erase what was captured before.
import { fillLineDetails } from "./line-details";

export type CaptureSource = "extension" | "webhook" | "pixel";

export const TRUSTED_SOURCES: ReadonlySet<CaptureSource> = new Set(["extension", "webhook"]);

export type CaptureLineValue = Record<string, unknown>;

/** The checkout columns a capture channel can fill. */
export interface CheckoutFields {
  cartToken: string;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  address1: string;
  address2: string;
  city: string;
  province: string;
  provinceCode: string;
  zip: string;
  country: string;
  countryCode: string;
  addressPhone: string;
  currency: string;
  subtotal: string;
  total: string;
  totalDiscount: string;
  lines: CaptureLineValue[];
  discountCodes: string[];
  attributes: Record<string, string>;
  utm: Record<string, string>;
  locale: string;
  recoveryUrl: string;
  whatsappOptIn: boolean;
  emailMarketing: boolean;
  smsMarketing: boolean;
  /** consent evidence: the text shown with the WhatsApp checkbox and its locale */
  whatsappOptInText: string;
  whatsappOptInLocale: string;
  /** Shopify's customer id: only Shopify-signed data names it */
  customerId: string;
}

export type FieldName = keyof CheckoutFields;
export type FieldValues = Partial<{ [K in FieldName]: CheckoutFields[K] | null | undefined }>;

export interface Provenance {
  source: CaptureSource;
  at: string;
}

export interface CheckoutState {
  fields: Partial<CheckoutFields>;
  fieldSources: Partial<Record<FieldName, Provenance>>;
  sources: CaptureSource[];
  trustedSeen: boolean;
  lastActivityAt: Date | null;
}

export interface Observation {
  source: CaptureSource;
  /** When the buyer did this, clamped by the caller to a sane window. */
  observedAt: Date;
  values: FieldValues;
  /** False for data that is not buyer activity (e.g. a completion hint). */
  buyerActivity: boolean;
}

export interface MergeResult {
  state: CheckoutState;
  changedFields: FieldName[];
  changed: boolean;
}

// Only Shopify's own signed data may carry its recovery URL.
const TRUSTED_ONLY_FIELDS: ReadonlySet<FieldName> = new Set(["recoveryUrl", "customerId"]);

export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function mayOverwrite(current: Provenance | undefined, incoming: Provenance): boolean {
  const incomingTrusted = TRUSTED_SOURCES.has(incoming.source);
  if (!current) return incomingTrusted;
  const currentTrusted = TRUSTED_SOURCES.has(current.source);
  if (incomingTrusted && !currentTrusted) return true;
  if (!incomingTrusted && currentTrusted) return false;
  return incoming.at >= current.at;
}

export function emptyCheckoutState(): CheckoutState {
  return { fields: {}, fieldSources: {}, sources: [], trustedSeen: false, lastActivityAt: null };
}

export function mergeObservation(previous: CheckoutState, observation: Observation): MergeResult {
  const trusted = TRUSTED_SOURCES.has(observation.source);
  const provenance: Provenance = { source: observation.source, at: observation.observedAt.toISOString() };
  const fields: Partial<CheckoutFields> = { ...previous.fields };
  const fieldSources = { ...previous.fieldSources };
  const changedFields: FieldName[] = [];

  for (const [name, incoming] of Object.entries(observation.values) as [FieldName, unknown][]) {
    if (isEmptyValue(incoming)) continue;
    if (!trusted && TRUSTED_ONLY_FIELDS.has(name)) continue;
    const current = fields[name];
    const filled = !isEmptyValue(current);
    const lines = name === "lines" && filled && Array.isArray(incoming);
    if (filled && !mayOverwrite(fieldSources[name], provenance)) {
      const detailed = lines ? fillLineDetails(current as CaptureLineValue[], incoming as CaptureLineValue[]) : current;
      if (detailed !== current) {
        fields.lines = detailed as CaptureLineValue[];
        changedFields.push(name);
      }
      continue;
    }
    const value = lines ? fillLineDetails(incoming as CaptureLineValue[], current as CaptureLineValue[]) : incoming;
    if (filled && sameValue(current, value)) {
      // Same value from a more trusted or newer source: keep the value, upgrade provenance.
      if (trusted && !TRUSTED_SOURCES.has(fieldSources[name]?.source ?? "pixel")) fieldSources[name] = provenance;
      continue;
    }
    (fields as Record<string, unknown>)[name] = value;
    fieldSources[name] = provenance;
    changedFields.push(name);
  }

  const sources = previous.sources.includes(observation.source) ? previous.sources : [...previous.sources, observation.source];
  const trustedSeen = previous.trustedSeen || trusted;
  const moved = observation.buyerActivity && (previous.lastActivityAt === null || observation.observedAt > previous.lastActivityAt);
  const lastActivityAt = moved ? observation.observedAt : previous.lastActivityAt;

  const changed = changedFields.length > 0 || sources !== previous.sources || trustedSeen !== previous.trustedSeen || moved;
  return { state: { fields, fieldSources, sources, trustedSeen, lastActivityAt }, changedFields, changed };
}
