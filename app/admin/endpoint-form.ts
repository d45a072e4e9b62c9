import { z } from "zod";
import type { Endpoint } from "@prisma/client";
import { DEFAULT_RETRY_MINUTES } from "../events/delivery-promise";
import { fieldErrors, type FieldErrors, type FieldOf } from "./field-errors";

// The endpoint form as the browser holds it (text, booleans, lists) and its
// translation into the nested EndpointInput that endpointInputSchema checks.
// No server-only imports: the form component shares the types and labels.

export interface EndpointFormValues {
  name: string;
  preset: string;
  url: string;
  method: string;
  format: string;
  topics: string[];
  consentOnly: boolean;
  dropFields: string[];
  maskFields: string[];
  standardWebhooks: boolean;
  retryMode: string;
  /** "2, 10, 30" */
  retryIntervals: string;
  maxRetries: string;
  /** one `Name: value` per line */
  customHeaders: string;
  quietHoursEnabled: boolean;
  /** "22:00" */
  quietStart: string;
  quietEnd: string;
  quietTimeZone: string;
  disableAfterFailingHours: string;
}

export type EndpointFormField = keyof EndpointFormValues;

/** What each field rule path holds, for the "Choose fields" list; the JSON path is shown beneath. */
export const FIELD_RULE_LABELS: Record<string, string> = {
  email: "Buyer email",
  "customer.email": "Customer email",
  "customer.shippingAddress.email": "Shipping address email",
  phone: "Buyer phone (E.164)",
  "customer.shippingAddress.phone": "Shipping address phone (as typed)",
  cartToken: "Cart token",
  checkoutToken: "Checkout token",
  abandonedCheckoutUrl: "Resume-checkout link",
  "customer.firstName": "First name",
  "customer.lastName": "Last name",
  "customer.shippingAddress.customerName": "Name on the shipping address",
  "customer.shippingAddress.address1": "Address line 1",
  "customer.shippingAddress.address2": "Address line 2",
  "customer.shippingAddress.city": "City",
  "customer.shippingAddress.province": "State or province",
  "customer.shippingAddress.provinceCode": "State or province code",
  "customer.shippingAddress.zip": "ZIP or postal code",
  "customer.shippingAddress.country": "Country",
  "customer.shippingAddress.countryCode": "Country code",
  "lineItems[].name": "Product names (every line)",
  "lineItems[].skuName": "SKUs (every line)",
  "lineItems[].imageUrlStr": "Product image URLs (every line)",
  "lineItems[].imageS3UrlStr": "Product image copies (every line)",
};

export function fieldRuleLabel(path: string): string {
  return FIELD_RULE_LABELS[path] ?? path;
}

export const ENDPOINT_FIELD_LABELS: Record<EndpointFormField | "form", string> = {
  name: "Name",
  preset: "BSP",
  url: "URL",
  method: "Method",
  format: "Payload format",
  topics: "Topics",
  consentOnly: "Opt-in filter",
  dropFields: "Dropped fields",
  maskFields: "Masked fields",
  standardWebhooks: "Standard Webhooks",
  retryMode: "Retry mode",
  retryIntervals: "Retry intervals",
  maxRetries: "Retries",
  customHeaders: "Custom headers",
  quietHoursEnabled: "Quiet hours",
  quietStart: "Quiet hours start",
  quietEnd: "Quiet hours end",
  quietTimeZone: "Time zone",
  disableAfterFailingHours: "Disable after",
  form: "Form",
};

const text = z.string({ error: "must be text" }).max(10_000, "is too long");
const list = z.array(z.string({ error: "must be a list of names" })).max(100, "has too many entries");

/** The shape of a submitted form; anything else is refused before it is read. */
export const endpointFormSchema = z.object({
  name: text,
  preset: text,
  url: text,
  method: text,
  format: text,
  topics: list,
  consentOnly: z.boolean({ error: "must be on or off" }),
  dropFields: list,
  maskFields: list,
  standardWebhooks: z.boolean({ error: "must be on or off" }),
  retryMode: text,
  retryIntervals: text,
  maxRetries: text,
  customHeaders: text,
  quietHoursEnabled: z.boolean({ error: "must be on or off" }),
  quietStart: text,
  quietEnd: text,
  quietTimeZone: text,
  disableAfterFailingHours: text,
});

const minutesToClock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export function defaultEndpointFormValues(timeZone: string): EndpointFormValues {
  return {
    name: "",
    preset: "custom",
    url: "",
    method: "POST",
    format: "cashfree-2025-01-01",
    topics: ["abandonedCheckout", "checkoutRecovered", "integrationStatus"],
    consentOnly: false,
    dropFields: [],
    maskFields: [],
    standardWebhooks: false,
    retryMode: "fixed",
    retryIntervals: DEFAULT_RETRY_MINUTES.join(", "),
    maxRetries: String(DEFAULT_RETRY_MINUTES.length),
    customHeaders: "",
    quietHoursEnabled: false,
    quietStart: "22:00",
    quietEnd: "08:00",
    quietTimeZone: timeZone,
    disableAfterFailingHours: "72",
  };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** The form as it shows a stored endpoint. */
export function endpointFormValues(endpoint: Endpoint, shopTimeZone: string): EndpointFormValues {
  const intervals = Array.isArray(endpoint.retryIntervals) ? endpoint.retryIntervals : DEFAULT_RETRY_MINUTES;
  const headers = endpoint.customHeaders && typeof endpoint.customHeaders === "object" ? (endpoint.customHeaders as Record<string, string>) : {};
  const quiet = endpoint.quietHoursStart !== null && endpoint.quietHoursEnd !== null;
  return {
    name: endpoint.name,
    preset: endpoint.preset,
    url: endpoint.url,
    method: endpoint.method,
    format: endpoint.format,
    topics: strings(endpoint.topics),
    consentOnly: endpoint.consentOnly,
    dropFields: strings(endpoint.dropFields),
    maskFields: strings(endpoint.maskFields),
    standardWebhooks: endpoint.standardWebhooks,
    retryMode: endpoint.retryMode,
    retryIntervals: intervals.join(", "),
    maxRetries: String(endpoint.maxRetries),
    customHeaders: Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join("\n"),
    quietHoursEnabled: quiet,
    quietStart: quiet ? minutesToClock(endpoint.quietHoursStart!) : "22:00",
    quietEnd: quiet ? minutesToClock(endpoint.quietHoursEnd!) : "08:00",
    quietTimeZone: endpoint.quietHoursTimezone ?? shopTimeZone,
    disableAfterFailingHours: String(endpoint.disableAfterFailingHours),
  };
}

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

function clockMinutes(value: string): number | null {
  const match = CLOCK.exec(value.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

// Whole numbers as numbers; anything else stays text so the schema names it.
const wholeNumber = (value: string): number | string => (/^\s*\d+\s*$/.test(value) ? Number(value) : value);

/**
 * The nested EndpointInput candidate, plus errors for what the form itself
 * cannot express (a header line without a colon, a malformed clock time).
 */
export function endpointInputFromForm(values: EndpointFormValues): { candidate: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const customHeaders: Record<string, string> = {};
  values.customHeaders.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      errors.customHeaders ??= `Custom headers line ${index + 1} must look like Name: value`;
      return;
    }
    customHeaders[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });

  let quietHours: Record<string, unknown> | null = null;
  if (values.quietHoursEnabled) {
    const startMinute = clockMinutes(values.quietStart);
    const endMinute = clockMinutes(values.quietEnd);
    if (startMinute === null) errors.quietStart = "Quiet hours start must be a time such as 22:00";
    if (endMinute === null) errors.quietEnd = "Quiet hours end must be a time such as 08:00";
    quietHours = { startMinute: startMinute ?? 0, endMinute: endMinute ?? 0, timeZone: values.quietTimeZone.trim() };
  }

  return {
    candidate: {
      name: values.name,
      preset: values.preset,
      url: values.url,
      method: values.method,
      format: values.format,
      topics: values.topics,
      consentOnly: values.consentOnly,
      fieldRules: { drop: values.dropFields, mask: values.maskFields },
      standardWebhooks: values.standardWebhooks,
      retryPolicy: { mode: values.retryMode, intervalsMinutes: values.retryIntervals, maxRetries: values.maxRetries },
      customHeaders,
      quietHours,
      disableAfterFailingHours: wholeNumber(values.disableAfterFailingHours),
    },
    errors,
  };
}

/** Which form field an EndpointInput issue belongs to, and which entry of it. */
export function endpointFieldOf(path: readonly PropertyKey[]): FieldOf {
  const [head, second, third] = path.map(String);
  switch (head) {
    case "fieldRules":
      return { field: second === "mask" ? "maskFields" : "dropFields", sentence: true };
    case "retryPolicy":
      if (second === "mode") return { field: "retryMode" };
      if (second === "maxRetries") return { field: "maxRetries" };
      return { field: "retryIntervals", detail: third !== undefined ? `(interval ${Number(third) + 1})` : undefined };
    case "quietHours":
      if (second === "endMinute") return { field: "quietEnd" };
      if (second === "timeZone") return { field: "quietTimeZone" };
      return { field: "quietStart" };
    case "customHeaders":
      return { field: "customHeaders", sentence: true };
    case "topics":
      return { field: "topics" };
    case undefined:
      return { field: "form" };
    default:
      return { field: head };
  }
}

export function endpointFieldErrors(error: z.ZodError): FieldErrors {
  return fieldErrors(error, ENDPOINT_FIELD_LABELS, endpointFieldOf);
}
