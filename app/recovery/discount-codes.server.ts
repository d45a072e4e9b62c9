import { createHmac, hkdfSync } from "node:crypto";
import type { AdminGraphql } from "../pixel/activate.server";

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

export type DiscountCodeErrorKind = "throttled" | "user_error" | "scope_missing" | "unauthorized" | "network" | "unexpected_response" | "invalid_settings";

export interface DiscountUserError {
  code: string | null;
  field: string[] | null;
  message: string;
}

export class DiscountCodeError extends Error {
  override name = "DiscountCodeError";
  constructor(
    readonly kind: DiscountCodeErrorKind,
    message: string,
    readonly userErrors: DiscountUserError[] = [],
  ) {
    super(message);
  }

  /** Whether trying again later may succeed (the merchant need not change anything). */
  get retryable(): boolean {
    return this.kind === "throttled" || this.kind === "network";
  }
}

export type DiscountCreation =
  { ok: true; discount: RecoveryDiscount; outcome: "created" | "existing"; attempts: number } | { ok: false; error: DiscountCodeError; attempts: number };

export type DiscountDeactivation =
  { ok: true; outcome: "deactivated" | "not_found"; attempts: number } | { ok: false; error: DiscountCodeError; attempts: number };

export interface RetryPolicy {
  /** requests per operation, the first included */
  maxAttempts: number;
  /** the longest single wait; a Retry-After beyond it ends the retries */
  maxWaitMs: number;
  /** all waits of one operation together */
  totalWaitMs: number;
  /** first wait after a network failure, doubled each time */
  networkBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, maxWaitMs: 10_000, totalWaitMs: 20_000, networkBackoffMs: 500 };

export interface DiscountClientOptions {
  retry?: Partial<RetryPolicy>;
  /** injectable for tests; real time by default */
  sleep?: (ms: number) => Promise<void>;
}

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
  if (!shopDomain || !checkoutToken) throw new DiscountCodeError("invalid_settings", "a recovery code needs the shop domain and the checkout token");
  if ((typeof key === "string" ? Buffer.byteLength(key) : key.length) < 16)
    throw new DiscountCodeError("invalid_settings", "the recovery code key must be at least 16 bytes");
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
  if (secret.length !== 32) throw new DiscountCodeError("invalid_settings", "the encryption key must be 32 bytes of base64");
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
    throw new DiscountCodeError("invalid_settings", message);
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

interface GraphqlError {
  message?: string;
  extensions?: { code?: string; requiredAccess?: string };
}

interface CostExtension {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

type Failure = { kind: DiscountCodeErrorKind; message: string; waitMs?: number };

function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function fromGraphqlErrors(errors: GraphqlError[], extensions: { cost?: CostExtension } | undefined): Failure {
  const codes = errors.map((e) => e.extensions?.code);
  const messages = errors.map((e) => e.message ?? "GraphQL error").join("; ");
  if (codes.includes("THROTTLED")) {
    // The bucket refills at restoreRate points a second; wait until this request's cost fits.
    const cost = extensions?.cost;
    const rate = cost?.throttleStatus?.restoreRate;
    const missing = (cost?.requestedQueryCost ?? 0) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
    const waitMs = rate && rate > 0 ? Math.max(50, Math.ceil((Math.max(missing, 1) / rate) * 1000)) : undefined;
    return { kind: "throttled", message: `Shopify throttled the request: ${messages}`, waitMs };
  }
  if (codes.includes("ACCESS_DENIED")) {
    const required = errors.find((e) => e.extensions?.requiredAccess)?.extensions?.requiredAccess;
    return {
      kind: "scope_missing",
      message: `the app lacks a scope${required ? ` (Shopify: required access ${required})` : ""}: ${messages}`,
    };
  }
  return { kind: "unexpected_response", message: `Admin API errors: ${messages}` };
}

function fromStatus(status: number, retryAfter: number | undefined, detail: string): Failure {
  if (status === 429) return { kind: "throttled", message: `Shopify answered HTTP 429 (too many requests)${detail}`, waitMs: retryAfter };
  if (status === 401) return { kind: "unauthorized", message: `Shopify refused the access token (HTTP 401)${detail}` };
  if (status === 403) return { kind: "scope_missing", message: `Shopify refused access (HTTP 403)${detail}` };
  if (status >= 500) return { kind: "network", message: `Shopify answered HTTP ${status}${detail}` };
  return { kind: "unexpected_response", message: `Shopify answered HTTP ${status}${detail}` };
}

/** Admin GraphQL's answer, as far as it is read here; anything may be missing. */
type AdminApiAnswer = { data?: Record<string, unknown> | null; errors?: unknown; extensions?: { cost?: CostExtension } };

async function fromResponse(response: Response): Promise<{ data: Record<string, unknown> } | Failure> {
  const text = await response.text().catch(() => "");
  let json: AdminApiAnswer | null;
  try {
    json = text ? (JSON.parse(text) as AdminApiAnswer) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const detail = typeof json?.errors === "string" ? `: ${json.errors}` : "";
    return fromStatus(response.status, retryAfterMs(response.headers.get("retry-after")), detail);
  }
  if (Array.isArray(json?.errors) && json.errors.length > 0) return fromGraphqlErrors(json.errors as GraphqlError[], json.extensions);
  if (!json?.data) return { kind: "unexpected_response", message: "Admin API answered without data" };
  return { data: json.data };
}

/** Errors shopify-api / shopify-app-remix throw, told apart by shape (their classes are not exported by the app client). */
async function fromThrown(error: unknown): Promise<Failure> {
  if (error instanceof Response) {
    const result = await fromResponse(error);
    return "data" in result ? { kind: "unexpected_response", message: `Admin API call failed with HTTP ${error.status}` } : result;
  }
  const shaped = error as {
    message?: string;
    body?: { errors?: { graphQLErrors?: GraphqlError[] }; extensions?: { cost?: CostExtension } };
    response?: { code?: number; retryAfter?: number; headers?: Record<string, string | string[]> };
  };
  const graphQLErrors = shaped?.body?.errors?.graphQLErrors;
  if (Array.isArray(graphQLErrors) && graphQLErrors.length > 0) return fromGraphqlErrors(graphQLErrors, shaped.body?.extensions);
  const status = shaped?.response?.code;
  if (typeof status === "number") {
    const header = shaped.response?.headers?.["Retry-After"];
    const retryAfter =
      shaped.response?.retryAfter !== undefined ? Math.ceil(shaped.response.retryAfter * 1000) : retryAfterMs(Array.isArray(header) ? header[0] : header);
    return fromStatus(status, retryAfter, "");
  }
  return { kind: "network", message: `could not reach Shopify: ${error instanceof Error ? error.message : String(error)}` };
}

/** One Admin GraphQL operation at a time, with throttling and network failures retried within a policy; shared by recovery codes and consent sync. */
export class AdminCaller {
  attempts = 0;
  private waited = 0;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly graphql: AdminGraphql,
    options: DiscountClientOptions,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The data of one operation, retried on throttling and network failures within the policy. */
  async call(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      this.attempts += 1;
      let outcome: { data: Record<string, unknown> } | Failure;
      try {
        outcome = await fromResponse(await this.graphql(query, { variables }));
      } catch (error) {
        outcome = await fromThrown(error);
      }
      if ("data" in outcome) return outcome.data;
      if (outcome.kind !== "throttled" && outcome.kind !== "network") throw new DiscountCodeError(outcome.kind, outcome.message);
      const wait = outcome.waitMs ?? this.policy.networkBackoffMs * 2 ** (attempt - 1);
      const fits = attempt < this.policy.maxAttempts && wait <= this.policy.maxWaitMs && this.waited + wait <= this.policy.totalWaitMs;
      if (!fits) throw new DiscountCodeError(outcome.kind, `${outcome.message} (gave up after ${attempt} attempt${attempt === 1 ? "" : "s"})`);
      this.waited += wait;
      await this.sleep(wait);
    }
  }
}

function describeUserErrors(mutation: string, errors: DiscountUserError[]): string {
  return `${mutation} failed: ${errors.map((e) => `${e.field?.length ? `${e.field.join(".")}: ` : ""}${e.message}${e.code ? ` (${e.code})` : ""}`).join("; ")}`;
}

function payloadOf(data: Record<string, unknown>, field: string): { codeDiscountNode: DiscountNode | null; userErrors: DiscountUserError[] } {
  const result = data[field] as { codeDiscountNode?: DiscountNode | null; userErrors?: DiscountUserError[] } | null | undefined;
  if (!result) throw new DiscountCodeError("unexpected_response", `Admin API answered without ${field}`);
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
  options: DiscountClientOptions = {},
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
      throw new DiscountCodeError("user_error", describeUserErrors("discountCodeBasicCreate", created.userErrors), created.userErrors);
    }
    if (!taken) {
      if (!created.codeDiscountNode?.id) throw new DiscountCodeError("unexpected_response", "discountCodeBasicCreate returned no discount");
      return { ok: true, discount: toRecoveryDiscount(code, created.codeDiscountNode, settings), outcome: "created", attempts: caller.attempts };
    }

    // An earlier attempt made it (its answer may have been lost): it must be ours.
    const existing = (await caller.call(BY_CODE, { code })).codeDiscountNodeByCode as DiscountNode | null | undefined;
    if (!existing?.id) throw new DiscountCodeError("user_error", `code ${code} is taken, but Shopify finds no code discount with it`, created.userErrors);
    if (existing.codeDiscount?.title !== title) {
      throw new DiscountCodeError(
        "user_error",
        `code ${code} is taken by another discount (${JSON.stringify(existing.codeDiscount?.title ?? null)})`,
        created.userErrors,
      );
    }
    return { ok: true, discount: toRecoveryDiscount(code, existing, settings), outcome: "existing", attempts: caller.attempts };
  } catch (error) {
    if (!(error instanceof DiscountCodeError)) throw error;
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
  options: DiscountClientOptions = {},
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
      throw new DiscountCodeError("user_error", describeUserErrors("discountCodeDeactivate", result.userErrors), result.userErrors);
    }
    return { ok: true, outcome: "deactivated", attempts: caller.attempts };
  } catch (error) {
    if (!(error instanceof DiscountCodeError)) throw error;
    return { ok: false, error, attempts: caller.attempts };
  }
}
