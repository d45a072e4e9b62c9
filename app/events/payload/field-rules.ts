import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import { ATTRIBUTION_ATTRIBUTE } from "./cart-payload";

// Per-endpoint field rules (DESIGN.md "Per endpoint the merchant can drop
// fields or mask them"). Keys are never removed, because BSPs parse the
// sample's shape: every path here is a string in the sample, so "drop" sends
// "" (the sample's own "unknown") and "mask" keeps a recognisable, shorter
// form of the value. A dropped or masked contact or address field is also
// taken out of our cart permalink, which would otherwise repeat it.

const PHONE_PATHS = ["phone", "customer.shippingAddress.phone"] as const;
const EMAIL_PATHS = ["email", "customer.email", "customer.shippingAddress.email"] as const;

/** Paths a merchant may drop or mask; `[]` means every element of the array. */
export const FIELD_RULE_PATHS: readonly string[] = [
  ...EMAIL_PATHS,
  ...PHONE_PATHS,
  "cartToken",
  "checkoutToken",
  "abandonedCheckoutUrl",
  "customer.firstName",
  "customer.lastName",
  "customer.shippingAddress.customerName",
  "customer.shippingAddress.address1",
  "customer.shippingAddress.address2",
  "customer.shippingAddress.city",
  "customer.shippingAddress.province",
  "customer.shippingAddress.provinceCode",
  "customer.shippingAddress.zip",
  "customer.shippingAddress.country",
  "customer.shippingAddress.countryCode",
  "lineItems[].name",
  "lineItems[].skuName",
  "lineItems[].imageUrlStr",
  "lineItems[].imageS3UrlStr",
];

const FIELD_RULE_PATH_SET: ReadonlySet<string> = new Set(FIELD_RULE_PATHS);

export function isFieldRulePath(path: string): boolean {
  return FIELD_RULE_PATH_SET.has(path);
}

export interface FieldRules {
  drop: string[];
  mask: string[];
}

// The permalink query parameters (decoded names) that repeat each field.
const SHIPPING = (field: string) => `checkout[shipping_address][${field}]`;
const PERMALINK_PARAMS: Record<string, string[]> = {
  email: ["checkout[email]"],
  "customer.email": ["checkout[email]"],
  "customer.shippingAddress.email": ["checkout[email]"],
  phone: [SHIPPING("phone")],
  "customer.shippingAddress.phone": [SHIPPING("phone")],
  "customer.firstName": [SHIPPING("first_name")],
  "customer.lastName": [SHIPPING("last_name")],
  "customer.shippingAddress.customerName": [SHIPPING("first_name"), SHIPPING("last_name")],
  "customer.shippingAddress.address1": [SHIPPING("address1")],
  "customer.shippingAddress.address2": [SHIPPING("address2")],
  "customer.shippingAddress.city": [SHIPPING("city")],
  "customer.shippingAddress.province": [SHIPPING("province")],
  "customer.shippingAddress.provinceCode": [SHIPPING("province")],
  "customer.shippingAddress.zip": [SHIPPING("zip")],
  "customer.shippingAddress.country": [SHIPPING("country")],
  "customer.shippingAddress.countryCode": [SHIPPING("country")],
};

function stars(count: number): string {
  return "*".repeat(Math.max(0, count));
}

/** First and last character kept, the rest starred: `Darpan` -> `D****n`. */
export function maskText(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 2) return stars(chars.length);
  return chars[0] + stars(chars.length - 2) + chars[chars.length - 1];
}

/** Country code and last 4 digits visible: `+916000376569` -> `+91******6569`. */
export function maskPhone(phone: string): string {
  const parsed = phone.trim().startsWith("+") ? parsePhoneNumberFromString(phone.trim()) : undefined;
  if (parsed) {
    const national = parsed.nationalNumber;
    const visible = national.length > 6 ? 4 : 0;
    return `+${parsed.countryCallingCode}${stars(national.length - visible)}${national.slice(national.length - visible)}`;
  }
  // Not international: star every digit but the last 4, keeping the separators the buyer typed.
  const digits = phone.replace(/\D/g, "").length;
  let toHide = digits > 6 ? digits - 4 : digits;
  return phone.replace(/\d/g, (digit) => (toHide-- > 0 ? "*" : digit));
}

/** Two characters of the mailbox and the domain visible: `darpan@example.com` -> `da***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return maskText(email);
  const local = Array.from(email.slice(0, at));
  return `${local.slice(0, Math.min(2, local.length - 1)).join("")}***${email.slice(at)}`;
}

function maskFor(path: string): (value: string) => string {
  if ((PHONE_PATHS as readonly string[]).includes(path)) return maskPhone;
  if ((EMAIL_PATHS as readonly string[]).includes(path)) return maskEmail;
  return maskText;
}

/** Rewrites the string at `path` in place (every element for `[]`); never creates a key. */
function rewrite(node: unknown, segments: string[], change: (value: string) => string): void {
  if (node === null || typeof node !== "object") return;
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const isArray = head.endsWith("[]");
  const key = isArray ? head.slice(0, -2) : head;
  const target = node as Record<string, unknown>;
  if (!(key in target)) return;
  if (isArray) {
    const list = target[key];
    if (Array.isArray(list)) for (const element of list) rewrite(element, rest, change);
  } else if (rest.length > 0) {
    rewrite(target[key], rest, change);
  } else if (typeof target[key] === "string") {
    target[key] = change(target[key]);
  }
}

function withoutParams(url: string, names: ReadonlySet<string>): string {
  const queryAt = url.indexOf("?");
  if (queryAt < 0 || names.size === 0) return url;
  const kept = url
    .slice(queryAt + 1)
    .split("&")
    .filter((pair) => {
      const rawName = pair.split("=", 1)[0];
      try {
        return !names.has(decodeURIComponent(rawName.replace(/\+/g, " ")));
      } catch {
        return true;
      }
    });
  return kept.length > 0 ? `${url.slice(0, queryAt)}?${kept.join("&")}` : url.slice(0, queryAt);
}

/** Only our own permalink repeats buyer data; Shopify's recovery URL carries a token. */
function isOurPermalink(url: string): boolean {
  return /^https:\/\/[^/?#]+\/cart(?:[/?]|$)/.test(url) && url.includes(encodeURIComponent(`attributes[${ATTRIBUTION_ATTRIBUTE}]`));
}

/**
 * The payload with the endpoint's rules applied, on a copy: dropped fields
 * become "", masked ones keep their shape. Drop wins when a path is in both.
 * Unknown paths are ignored here; fieldRulesSchema refuses them at save time.
 */
export function applyFieldRules<T>(payload: T, rules: FieldRules): T {
  const drop = rules.drop.filter(isFieldRulePath);
  const mask = rules.mask.filter((path) => isFieldRulePath(path) && !drop.includes(path));
  if (drop.length === 0 && mask.length === 0) return payload;

  const copy = structuredClone(payload);
  for (const path of drop) rewrite(copy, path.split("."), () => "");
  for (const path of mask) rewrite(copy, path.split("."), (value) => (value === "" ? "" : maskFor(path)(value)));

  const params = new Set([...drop, ...mask].flatMap((path) => PERMALINK_PARAMS[path] ?? []));
  rewrite(copy, ["abandonedCheckoutUrl"], (url) => (isOurPermalink(url) ? withoutParams(url, params) : url));
  return copy;
}

const fieldPath = z.string({ error: "must be a field path" }).superRefine((path, ctx) => {
  if (!isFieldRulePath(path)) {
    ctx.addIssue({ code: "custom", message: `"${path}" is not a field that can be dropped or masked (one of: ${FIELD_RULE_PATHS.join(", ")})` });
  }
});

/** An endpoint's drop and mask lists; the message names the path at fault. */
export const fieldRulesSchema = z
  .object({
    drop: z.array(fieldPath).max(FIELD_RULE_PATHS.length).default([]),
    mask: z.array(fieldPath).max(FIELD_RULE_PATHS.length).default([]),
  })
  .superRefine((rules, ctx) => {
    rules.mask.forEach((path, index) => {
      if (rules.drop.includes(path)) {
        ctx.addIssue({ code: "custom", path: ["mask", index], message: `"${path}" cannot be both dropped and masked` });
      }
    });
  })
  .transform((rules): FieldRules => ({ drop: [...new Set(rules.drop)], mask: [...new Set(rules.mask)] }));
