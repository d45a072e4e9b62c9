import { maskEmail, maskPhone, maskText } from "../events/payload/field-rules";

// Buyer data as the admin shows it (DESIGN.md "Lists in the admin mask phone
// and email"): applied on the server, so unmasked values never reach the page.

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International numbers (+ and 8-15 digits, as we send them, also URL-encoded); bare digit
// runs are left alone, since ids and timestamps look the same.
const PHONE_IN_TEXT = /(?:\+|%2B)\d(?:[\s().-]?\d){7,14}/g;

export function maskContactEmail(email: string | null): string | null {
  return email ? maskEmail(email) : null;
}

export function maskContactPhone(phone: string | null): string | null {
  return phone ? maskPhone(phone) : null;
}

/** Emails and phone numbers inside free text (response excerpts, URLs), masked. */
export function maskFreeText(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (email) => maskEmail(email.replace("%40", "@")).replace("@", email.includes("%40") ? "%40" : "@"))
    .replace(PHONE_IN_TEXT, (phone) => (phone.startsWith("%2B") ? `%2B${maskPhone(`+${phone.slice(3)}`).slice(1)}` : maskPhone(phone)));
}

// Query parameters that repeat the buyer in a link, e.g. our cart permalink's checkout[shipping_address][phone].
const PII_PARAM = /email|phone|first_name|last_name|address1|address2|zip/i;

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** A URL with the values of its contact, name and address parameters masked; the rest as sent. */
export function maskUrl(url: string): string {
  const queryAt = url.indexOf("?");
  if (queryAt < 0) return maskFreeText(url);
  const pairs = url
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals < 0) return pair;
      const rawName = pair.slice(0, equals);
      const name = decode(rawName) ?? rawName;
      if (!PII_PARAM.test(name)) return pair;
      const value = decode(pair.slice(equals + 1));
      if (value === null || value === "") return `${rawName}=${value === "" ? "" : "***"}`;
      const masked = /email/i.test(name) ? maskEmail(value) : /phone/i.test(name) ? maskPhone(value) : maskText(value);
      return `${rawName}=${encodeURIComponent(masked)}`;
    });
  return maskFreeText(`${url.slice(0, queryAt + 1)}${pairs.join("&")}`);
}

const EMAIL_KEY = /email/i;
const PHONE_KEY = /phone/i;
const PERSON_KEYS = new Set(["firstName", "lastName", "customerName", "address1", "address2", "zip", "first_name", "last_name"]);

function maskValue(key: string, value: unknown): unknown {
  if (typeof value === "string") {
    if (value === "") return value;
    if (EMAIL_KEY.test(key)) return maskEmail(value);
    if (PHONE_KEY.test(key)) return maskPhone(value);
    if (PERSON_KEYS.has(key)) return maskText(value);
    if (/^https?:\/\//i.test(value)) return maskUrl(value);
    return maskFreeText(value);
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(key, item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, maskValue(name, inner)]));
  }
  return value;
}

/** A stored delivery body, pretty-printed with contact, name and address values masked. */
export function maskedBody(body: string): string {
  try {
    return JSON.stringify(maskValue("", JSON.parse(body)), null, 2);
  } catch {
    return maskFreeText(body);
  }
}
