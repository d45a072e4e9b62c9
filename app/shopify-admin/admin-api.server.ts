import { unauthenticated } from "../shopify.server";
import type { AdminGraphql } from "./admin-graphql";

// Calls to Shopify's Admin GraphQL API, one operation at a time, shared by
// every feature that asks Shopify for something from the worker (recovery
// discount codes, WhatsApp consent): Shopify's throttling (a THROTTLED GraphQL
// error with the cost bucket, or HTTP 429 with Retry-After) and network
// failures are retried within a bounded wait; anything else fails at once
// with a typed kind, so the caller records why. Works with any
// admin.graphql-shaped client: shopify-app-remix's (which throws on GraphQL
// errors and HTTP failures) or one that returns the raw Response.

export type AdminApiErrorKind = "throttled" | "user_error" | "scope_missing" | "unauthorized" | "network" | "unexpected_response" | "invalid_settings";

export interface AdminUserError {
  code: string | null;
  field: string[] | null;
  message: string;
}

export class AdminApiError extends Error {
  override name = "AdminApiError";
  constructor(
    readonly kind: AdminApiErrorKind,
    message: string,
    readonly userErrors: AdminUserError[] = [],
  ) {
    super(message);
  }

  /** Whether trying again later may succeed (the merchant need not change anything). */
  get retryable(): boolean {
    return this.kind === "throttled" || this.kind === "network";
  }
}

export interface AdminRetryPolicy {
  /** requests per operation, the first included */
  maxAttempts: number;
  /** the longest single wait; a Retry-After beyond it ends the retries */
  maxWaitMs: number;
  /** all waits of one operation together */
  totalWaitMs: number;
  /** first wait after a network failure, doubled each time */
  networkBackoffMs: number;
}

export const DEFAULT_ADMIN_RETRY_POLICY: AdminRetryPolicy = { maxAttempts: 4, maxWaitMs: 10_000, totalWaitMs: 20_000, networkBackoffMs: 500 };

export interface AdminClientOptions {
  retry?: Partial<AdminRetryPolicy>;
  /** injectable for tests; real time by default */
  sleep?: (ms: number) => Promise<void>;
}

interface GraphqlError {
  message?: string;
  extensions?: { code?: string; requiredAccess?: string };
}

interface CostExtension {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

type Failure = { kind: AdminApiErrorKind; message: string; waitMs?: number };

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

/** One Admin GraphQL operation at a time, with throttling and network failures retried within a policy. */
export class AdminCaller {
  attempts = 0;
  private waited = 0;
  private readonly policy: AdminRetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly graphql: AdminGraphql,
    options: AdminClientOptions,
  ) {
    this.policy = { ...DEFAULT_ADMIN_RETRY_POLICY, ...options.retry };
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
      if (outcome.kind !== "throttled" && outcome.kind !== "network") throw new AdminApiError(outcome.kind, outcome.message);
      const wait = outcome.waitMs ?? this.policy.networkBackoffMs * 2 ** (attempt - 1);
      const fits = attempt < this.policy.maxAttempts && wait <= this.policy.maxWaitMs && this.waited + wait <= this.policy.totalWaitMs;
      if (!fits) throw new AdminApiError(outcome.kind, `${outcome.message} (gave up after ${attempt} attempt${attempt === 1 ? "" : "s"})`);
      this.waited += wait;
      await this.sleep(wait);
    }
  }
}

/** An Admin API client for a shop; the worker's is shopify-app-remix's offline session. */
export type AdminClientFor = (shopDomain: string) => Promise<AdminGraphql>;

export const offlineAdmin: AdminClientFor = async (shopDomain) => (await unauthenticated.admin(shopDomain)).admin.graphql;

/** How a worker pass reaches Shopify: the shop's Admin client (tests pass a double) and the retry options. */
export interface AdminCallOptions {
  adminClient?: AdminClientFor;
  client?: AdminClientOptions;
}
