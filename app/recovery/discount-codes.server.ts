import { createHmac, hkdfSync } from "node:crypto";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { AdminApiError, AdminCaller, type AdminClientOptions, type AdminUserError } from "../shopify-admin/admin-api.server";

// One single-use recovery discount code per abandoned checkout, created
// through the Admin API (discountCodeBasicCreate, scope write_discounts) and
// deactivated once the checkout converts, expires or is redacted.
//
// Idempotent across retries, concurrent workers and crashes: the code is a
// function of the shop, the checkout and a server key, so every attempt asks
// Shopify for the same code, and Shopify's "code must be unique" (TAKEN)
// answer means an earlier attempt already made it: we read it back with
// codeDiscountNodeByCode and check it is ours by its title. Shopify's
// throttling (a THROTTLED GraphQL error with the cost bucket, or HTTP 429
// with Retry-After) and network failures are retried within a bounded wait;
// anything else fails at once with a typed kind, so the caller records the
// event without a code and shows why.
//
// Works with any admin.graphql-shaped client: shopify-app-remix's (which
// throws on GraphQL errors and HTTP failures) or one that returns the raw
// Response.

export type DiscountValueType = "percentage" | "fixed_amount";

export interface RecoveryDiscountSettings {
  type: DiscountValueType;
  /** percent off (1 to 100) or an amount off in the shop's currency, as a decimal string */
  value: string;
  /** the cart subtotal the code needs, or null for none */
  minimumSubtotal: string | null;
  /** how long the code is valid after it is created (1 to 720 hours) */
  validityHours: number;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
}

/** What the payload's `discountCode` carries, plus Shopify's id for deactivation. */
export interface RecoveryDiscount {
  code: string;
  type: DiscountValueType;
  value: string;
  endsAt: string | null;
  discountId: string;
}

export type DiscountCreation =
  { ok: true; discount: RecoveryDiscount; outcome: "created" | "existing"; attempts: number } | { ok: false; error: AdminApiError; attempts: number };

export type DiscountDeactivation = { ok: true; outcome: "deactivated" | "not_found"; attempts: number } | { ok: false; error: AdminApiError; attempts: number };

export const RECOVERY_CODE_PREFIX = "CR-";
const CODE_LENGTH = 10;
// Crockford's base32: no I, L, O or U to misread in a WhatsApp message.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The checkout's code: "CR-" and 10 base32 characters (50 bits) of
 * HMAC-SHA256(key, "cart-relay/recovery-code/v1" NUL shop NUL checkout token).
 * Unguessable without the key, the same on every attempt.
 */
export function recoveryCodeFor(key: string | Uint8Array, shopDomain: string, checkoutToken: string): string {
  if (!shopDomain || !checkoutToken) throw new AdminApiError("invalid_settings", "a recovery code needs the shop domain and the checkout token");
  if ((typeof key === "string" ? Buffer.byteLength(key) : key.length) < 16)
    throw new AdminApiError("invalid_settings", "the recovery code key must be at least 16 bytes");
  const digest = createHmac("sha256", key).update(`cart-relay/recovery-code/v1\0${shopDomain}\0${checkoutToken}`, "utf8").digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 8)) bits = (bits << 8n) | BigInt(byte);
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[Number((bits >> BigInt(64 - 5 * (i + 1))) & 31n)];
  return `${RECOVERY_CODE_PREFIX}${code}`;
}

/**
 * The key recovery codes are derived from, taken from the app's
 * ENCRYPTION_KEY (base64, 32 bytes) with HKDF-SHA256 so the two never share
 * bytes. Store each code on its checkout before calling Shopify: a rotated
 * ENCRYPTION_KEY then changes only codes not yet made.
 */
export function recoveryCodeKey(encryptionKeyBase64: string): Buffer {
  const secret = Buffer.from(encryptionKeyBase64, "base64");
  if (secret.length !== 32) throw new AdminApiError("invalid_settings", "the encryption key must be 32 bytes of base64");
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "cart-relay recovery-code v1", 32));
}

/** The discount's title in the merchant's discount list; also how we recognise our own code. */
export function recoveryDiscountTitle(checkoutToken: string): string {
  return `Cart Relay recovery: checkout ${checkoutToken}`;
}

const DECIMAL = /^\d+(\.\d{1,4})?$/;

/** The settings as Shopify will get them; a clear error naming the field otherwise. */
export function checkDiscountSettings(settings: RecoveryDiscountSettings): RecoveryDiscountSettings {
  const fail = (message: string): never => {
    throw new AdminApiError("invalid_settings", message);
  };
  if (settings.type !== "percentage" && settings.type !== "fixed_amount")
    fail(`discount type must be percentage or fixed_amount, got ${JSON.stringify(settings.type)}`);
  const value = String(settings.value ?? "").trim();
  if (!DECIMAL.test(value) || Number(value) <= 0) fail(`discount value must be a positive decimal amount, got ${JSON.stringify(settings.value)}`);
  if (settings.type === "percentage" && Number(value) > 100) fail(`a percentage discount must be at most 100, got ${value}`);
  const minimum = settings.minimumSubtotal === null ? null : String(settings.minimumSubtotal).trim();
  if (minimum !== null && !DECIMAL.test(minimum)) fail(`minimum subtotal must be a decimal amount or empty, got ${JSON.stringify(settings.minimumSubtotal)}`);
  if (!Number.isInteger(settings.validityHours) || settings.validityHours < 1 || settings.validityHours > 720) {
    fail(`validity must be a whole number of hours from 1 to 720, got ${String(settings.validityHours)}`);
  }
  return { ...settings, value, minimumSubtotal: minimum };
}

const USER_ERRORS = "userErrors { field code message }";
const DISCOUNT_FIELDS = `id codeDiscount { ... on DiscountCodeBasic { title status endsAt customerGets { value { ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount } } } } } }`;
const CREATE = `mutation CartRelayRecoveryDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) { codeDiscountNode { ${DISCOUNT_FIELDS} } ${USER_ERRORS} } }`;
const BY_CODE = `query CartRelayRecoveryDiscount($code: String!) { codeDiscountNodeByCode(code: $code) { ${DISCOUNT_FIELDS} } }`;
const DEACTIVATE = `mutation CartRelayRecoveryDiscountDeactivate($id: ID!) { discountCodeDeactivate(id: $id) { codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { status } } } ${USER_ERRORS} } }`;

interface DiscountNode {
  id: string;
  codeDiscount: {
    title?: string;
    status?: string;
    endsAt?: string | null;
    customerGets?: { value?: { percentage?: number; amount?: { amount: string } } };
  } | null;
}

function describeUserErrors(mutation: string, errors: AdminUserError[]): string {
  return `${mutation} failed: ${errors.map((e) => `${e.field?.length ? `${e.field.join(".")}: ` : ""}${e.message}${e.code ? ` (${e.code})` : ""}`).join("; ")}`;
}

function payloadOf(data: Record<string, unknown>, field: string): { codeDiscountNode: DiscountNode | null; userErrors: AdminUserError[] } {
  const result = data[field] as { codeDiscountNode?: DiscountNode | null; userErrors?: AdminUserError[] } | null | undefined;
  if (!result) throw new AdminApiError("unexpected_response", `Admin API answered without ${field}`);
  return { codeDiscountNode: result.codeDiscountNode ?? null, userErrors: result.userErrors ?? [] };
}

function toRecoveryDiscount(code: string, node: DiscountNode, fallback: RecoveryDiscountSettings): RecoveryDiscount {
  const value = node.codeDiscount?.customerGets?.value;
  const percentage = value?.percentage;
  const amount = value?.amount?.amount;
  if (typeof percentage === "number") {
    return { code, type: "percentage", value: String(Math.round(percentage * 10_000) / 100), endsAt: node.codeDiscount?.endsAt ?? null, discountId: node.id };
  }
  if (typeof amount === "string") return { code, type: "fixed_amount", value: amount, endsAt: node.codeDiscount?.endsAt ?? null, discountId: node.id };
  return { code, type: fallback.type, value: fallback.value, endsAt: node.codeDiscount?.endsAt ?? null, discountId: node.id };
}

export interface RecoveryDiscountRequest {
  shopDomain: string;
  checkoutToken: string;
  settings: RecoveryDiscountSettings;
  /** server key the code is derived from (see recoveryCodeFor) */
  key: string | Uint8Array;
  now: Date;
}

/**
 * The checkout's recovery code, created on the first call and found again on
 * every later one (a retry, a second worker, a run after a crash).
 */
export async function ensureRecoveryDiscount(
  graphql: AdminGraphql,
  request: RecoveryDiscountRequest,
  options: AdminClientOptions = {},
): Promise<DiscountCreation> {
  const caller = new AdminCaller(graphql, options);
  try {
    const settings = checkDiscountSettings(request.settings);
    const code = recoveryCodeFor(request.key, request.shopDomain, request.checkoutToken);
    const title = recoveryDiscountTitle(request.checkoutToken);
    const endsAt = new Date(request.now.getTime() + settings.validityHours * 3_600_000).toISOString();
    const basicCodeDiscount = {
      title,
      code,
      startsAt: request.now.toISOString(),
      endsAt,
      context: { all: "ALL" },
      customerGets: {
        items: { all: true },
        value:
          settings.type === "percentage"
            ? { percentage: Number(settings.value) / 100 }
            : { discountAmount: { amount: settings.value, appliesOnEachItem: false } },
      },
      minimumRequirement: settings.minimumSubtotal === null ? null : { subtotal: { greaterThanOrEqualToSubtotal: settings.minimumSubtotal } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      combinesWith: settings.combinesWith,
    };

    const created = payloadOf(await caller.call(CREATE, { basicCodeDiscount }), "discountCodeBasicCreate");
    const taken = created.userErrors.some((e) => e.code === "TAKEN" && e.field?.includes("code"));
    if (created.userErrors.length > 0 && !taken) {
      throw new AdminApiError("user_error", describeUserErrors("discountCodeBasicCreate", created.userErrors), created.userErrors);
    }
    if (!taken) {
      if (!created.codeDiscountNode?.id) throw new AdminApiError("unexpected_response", "discountCodeBasicCreate returned no discount");
      return { ok: true, discount: toRecoveryDiscount(code, created.codeDiscountNode, settings), outcome: "created", attempts: caller.attempts };
    }

    // An earlier attempt made it (its answer may have been lost): it must be ours.
    const existing = (await caller.call(BY_CODE, { code })).codeDiscountNodeByCode as DiscountNode | null | undefined;
    if (!existing?.id) throw new AdminApiError("user_error", `code ${code} is taken, but Shopify finds no code discount with it`, created.userErrors);
    if (existing.codeDiscount?.title !== title) {
      throw new AdminApiError(
        "user_error",
        `code ${code} is taken by another discount (${JSON.stringify(existing.codeDiscount?.title ?? null)})`,
        created.userErrors,
      );
    }
    return { ok: true, discount: toRecoveryDiscount(code, existing, settings), outcome: "existing", attempts: caller.attempts };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { ok: false, error, attempts: caller.attempts };
  }
}

/**
 * Ends a recovery code (the checkout converted, expired or was redacted).
 * Deactivation, not deletion: Shopify keeps the discount and its usage for
 * the merchant's reports, and the code stops working at once. Deactivating
 * twice, or a code Shopify no longer has, is success.
 */
export async function deactivateRecoveryDiscount(
  graphql: AdminGraphql,
  target: { discountId: string } | { code: string },
  options: AdminClientOptions = {},
): Promise<DiscountDeactivation> {
  const caller = new AdminCaller(graphql, options);
  try {
    let id = "discountId" in target ? target.discountId : null;
    if (!id) {
      const node = (await caller.call(BY_CODE, { code: (target as { code: string }).code })).codeDiscountNodeByCode as DiscountNode | null | undefined;
      if (!node?.id) return { ok: true, outcome: "not_found", attempts: caller.attempts };
      id = node.id;
    }
    const result = payloadOf(await caller.call(DEACTIVATE, { id }), "discountCodeDeactivate");
    if (result.userErrors.length > 0) {
      // Shopify answers an id it does not know with a userError on `id`.
      if (!result.codeDiscountNode && result.userErrors.every((e) => e.field?.includes("id")))
        return { ok: true, outcome: "not_found", attempts: caller.attempts };
      throw new AdminApiError("user_error", describeUserErrors("discountCodeDeactivate", result.userErrors), result.userErrors);
    }
    return { ok: true, outcome: "deactivated", attempts: caller.attempts };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { ok: false, error, attempts: caller.attempts };
  }
}
