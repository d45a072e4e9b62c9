// Shopify's Admin GraphQL API for the discount operations recovery codes
// use (and Flow's trigger), answered as Shopify answers them. Transport-free:
// the tests serve it through an undici MockAgent (test/shopify-admin-double.ts),
// the demo through a loopback HTTP server (demo/shopify-admin-server.ts).
// - discountCodeBasicCreate: the node, or userErrors (TAKEN for a code the
//   shop already has, case-insensitive; BLANK, VALUE_OUTSIDE_RANGE, INVALID
//   for bad input);
// - codeDiscountNodeByCode: the node or null;
// - discountCodeDeactivate: the node with status EXPIRED, or a userError on
//   `id` for an unknown discount;
// - flowTriggerReceive: runs the trigger, stored in `flowTriggers`, when
//   the handle names a deployed trigger extension and the payload holds
//   exactly its fields with values of their types; userErrors otherwise
//   (Flow validates the payload against the extension's fields);
// - customerWhatsAppMarketingConsentUpdate (2026-07+, write_customers): the
//   customer's default phone with its new consent, or userErrors (INVALID
//   for an unknown customer or one without a phone, INCLUSION for a state or
//   opt-in level an app may not set, INVALID for an updatedAt in the future);
//   an input key the schema lacks is a top-level variable error, as GraphQL
//   coerces variables before running anything;
// - customer(id) { defaultPhoneNumber { whatsAppMarketingConsent } }
//   (read_customers): the stored consent, or null for an unknown customer;
// - failures on demand: top-level THROTTLED errors with the cost bucket in
//   `extensions.cost`, HTTP 429 with Retry-After, HTTP 5xx, a connection
//   that drops before or after the change is made; and, from its setup,
//   401 for a wrong access token and ACCESS_DENIED without write_discounts.
import { FLOW_TRIGGERS, type FlowTrigger } from "../app/flow/flow-triggers";

export interface StoredDiscount {
  id: string;
  title: string;
  code: string;
  status: "ACTIVE" | "EXPIRED" | "SCHEDULED";
  startsAt: string;
  endsAt: string | null;
  value: { percentage: number } | { amount: string };
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  minimumSubtotal: string | null;
  combinesWith: Record<string, boolean>;
}

export type Fault =
  /** 200 with a top-level THROTTLED error and the cost bucket */
  | { kind: "throttled"; requestedQueryCost?: number; currentlyAvailable?: number; restoreRate?: number }
  /** HTTP 429 with a Retry-After header (seconds) */
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "server_error"; status?: number }
  /** the connection drops before Shopify does anything */
  | { kind: "connection_refused" }
  /** Shopify makes the change, then the answer is lost on the way back */
  | { kind: "response_lost" }
  /** the mutation is refused with these userErrors (rules the double does not model, e.g. combinesWith per discount class) */
  | { kind: "user_errors"; userErrors: { field: string[]; code: string; message: string }[] };

/** A customer's default phone and its WhatsApp consent, as Shopify stores them. */
export interface StoredCustomer {
  id: string;
  phone: string | null;
  whatsApp: { state: string; optInLevel: string | null; updatedAt: string | null; collectedFrom: string | null };
}

/** The discountCodeBasicCreate input, as far as Shopify's checks below read it. */
export interface DiscountInput {
  code?: string;
  title?: string;
  startsAt?: string;
  endsAt?: string | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean;
  minimumRequirement?: { subtotal?: { greaterThanOrEqualToSubtotal?: string } };
  combinesWith?: Record<string, boolean>;
  customerGets?: { value?: { percentage?: number; discountAmount?: { amount?: string | number } } };
  [other: string]: unknown;
}

export interface AdminVariables {
  basicCodeDiscount?: DiscountInput;
  id?: string;
  code?: string;
  /** flowTriggerReceive */
  handle?: string;
  payload?: Record<string, unknown>;
  /** customerWhatsAppMarketingConsentUpdate */
  input?: Record<string, unknown>;
}

export interface AdminCall {
  operation:
    | "discountCodeBasicCreate"
    | "codeDiscountNodeByCode"
    | "discountCodeDeactivate"
    | "flowTriggerReceive"
    | "customerWhatsAppMarketingConsentUpdate"
    | "customer"
    | "unknown";
  variables: AdminVariables;
  token: string | undefined;
  answered: string;
}

export interface ShopifyAdminApi {
  readonly shop: string;
  readonly calls: AdminCall[];
  /** by lower-cased code */
  readonly discounts: Map<string, StoredDiscount>;
  /** the workflows Flow started, in order */
  readonly flowTriggers: { handle: string; payload: Record<string, unknown> }[];
  /** by gid */
  readonly customers: Map<string, StoredCustomer>;
  /** a customer of the shop; numeric id, phone in E.164 */
  addCustomer(customer: { id: string | number; phone: string | null; whatsAppState?: string; updatedAt?: string }): StoredCustomer;
  /** the next requests fail this way, one fault each, in order */
  fail(...faults: Fault[]): void;
  /** a discount the merchant made by hand */
  addDiscount(discount: Pick<StoredDiscount, "code" | "title"> & Partial<StoredDiscount>): StoredDiscount;
  /** Shopify's answer to one POST to graphql.json, or DROPPED when the connection drops */
  answer: (request: AdminRequest) => AdminAnswer | typeof DROPPED;
}

export interface DoubleOptions {
  /** the access token Shopify accepts; any other gets 401 */
  accessToken: string;
  /** the scopes granted at install */
  scopes?: string[];
  apiVersion?: string;
  /** the trigger extensions deployed with the app (default: the app's own) */
  flowTriggers?: FlowTrigger[];
}

export interface AdminRequest {
  body: string;
  headers: Record<string, string>;
}

export interface AdminAnswer {
  statusCode: number;
  data: string;
  responseOptions: { headers: Record<string, string> };
}

/** The connection drops: no answer at all. */
export const DROPPED = Symbol("connection dropped");

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): AdminAnswer => ({
  statusCode: status,
  data: JSON.stringify(body),
  responseOptions: { headers: { "content-type": "application/json", ...headers } },
});

const costOf = (requested: number, available = 1990) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: requested,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 },
  },
});

function operationOf(query: string): AdminCall["operation"] {
  for (const name of [
    "discountCodeBasicCreate",
    "codeDiscountNodeByCode",
    "discountCodeDeactivate",
    "flowTriggerReceive",
    "customerWhatsAppMarketingConsentUpdate",
    "customer",
  ] as const) {
    if (new RegExp(`\\b${name}\\s*\\(`).test(query)) return name;
  }
  return "unknown";
}

function nodeOf(discount: StoredDiscount) {
  const value = "percentage" in discount.value ? { percentage: discount.value.percentage } : { amount: { amount: discount.value.amount, currencyCode: "INR" } };
  return {
    id: discount.id,
    codeDiscount: {
      title: discount.title,
      status: discount.status,
      startsAt: discount.startsAt,
      endsAt: discount.endsAt,
      usageLimit: discount.usageLimit,
      appliesOncePerCustomer: discount.appliesOncePerCustomer,
      customerGets: { value },
      codes: { nodes: [{ code: discount.code }] },
    },
  };
}

const FLOW_VALUE_CHECKS: Record<string, (value: unknown) => boolean> = {
  single_line_text_field: (value) => typeof value === "string",
  number_decimal: (value) => typeof value === "number" && Number.isFinite(value),
  boolean: (value) => typeof value === "boolean",
  url: (value) => typeof value === "string" && /^https?:\/\//.test(value),
  customer_reference: (value) => typeof value === "number" && Number.isSafeInteger(value) && value > 0,
};

/** What Flow says about a payload for a trigger: one userError per problem. */
function flowPayloadErrors(trigger: FlowTrigger, payload: unknown): { field: string[]; message: string }[] {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return [{ field: ["payload"], message: "Payload must be a JSON object" }];
  const given = payload as Record<string, unknown>;
  const errors: { field: string[]; message: string }[] = [];
  for (const field of trigger.fields) {
    // A reference (customer_id) is left out when the trigger concerns no customer.
    if (field.type === "customer_reference" && !(field.key in given)) continue;
    if (!(field.key in given)) errors.push({ field: ["payload", field.key], message: `Missing required field '${field.key}'` });
    else if (!FLOW_VALUE_CHECKS[field.type]?.(given[field.key]))
      errors.push({ field: ["payload", field.key], message: `'${field.key}' must be of type ${field.type}` });
  }
  for (const key of Object.keys(given)) {
    if (!trigger.fields.some((field) => field.key === key)) errors.push({ field: ["payload", key], message: `Unknown field '${key}'` });
  }
  return errors;
}

export function shopifyAdminApi(shop: string, options: DoubleOptions): ShopifyAdminApi {
  const scopes = new Set(options.scopes ?? ["read_checkouts", "read_orders", "write_pixels", "read_customer_events", "write_discounts"]);
  const calls: AdminCall[] = [];
  const discounts = new Map<string, StoredDiscount>();
  const flowTriggers: ShopifyAdminApi["flowTriggers"] = [];
  const deployedTriggers = options.flowTriggers ?? Object.values(FLOW_TRIGGERS);

  function receiveFlowTrigger(handle: unknown, payload: unknown) {
    const trigger = deployedTriggers.find((candidate) => candidate.handle === handle);
    const userErrors = trigger
      ? flowPayloadErrors(trigger, payload)
      : [{ field: ["handle"], message: `Trigger '${String(handle)}' is not found for this app` }];
    if (userErrors.length === 0) flowTriggers.push({ handle: trigger!.handle, payload: payload as Record<string, unknown> });
    return { flowTriggerReceive: { userErrors } };
  }
  const faults: Fault[] = [];
  let nextId = 1001;
  const customers = new Map<string, StoredCustomer>();
  const customerGid = (id: string | number) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Customer/${id}`);

  const phoneNode = (customer: StoredCustomer) => ({
    phoneNumber: customer.phone,
    whatsAppMarketingConsent: { ...customer.whatsApp, sourceLocation: null },
  });

  function updateWhatsAppConsent(input: Record<string, unknown> | undefined) {
    const userErrors: { field: string[]; code: string; message: string }[] = [];
    const error = (field: string[], code: string, message: string) => userErrors.push({ field: ["input", ...field], code, message });
    const customer = typeof input?.customerId === "string" ? customers.get(input.customerId) : undefined;
    const consent = (input?.whatsAppMarketingConsent ?? {}) as { state?: string; optInLevel?: string; updatedAt?: string };
    if (!customer) error(["customerId"], "INVALID", "Customer does not exist");
    else if (!customer.phone) error(["customerId"], "INVALID", "Customer must have a phone number to update WhatsApp marketing consent");
    if (!["SUBSCRIBED", "UNSUBSCRIBED", "PENDING"].includes(String(consent.state))) {
      error(["whatsAppMarketingConsent", "state"], "INCLUSION", `State ${String(consent.state)} is not included in the list`);
    }
    if (consent.optInLevel !== undefined && !["SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"].includes(consent.optInLevel)) {
      error(["whatsAppMarketingConsent", "optInLevel"], "INCLUSION", `Opt in level ${consent.optInLevel} is not included in the list`);
    }
    const updatedAt = consent.updatedAt === undefined ? null : Date.parse(consent.updatedAt);
    if (updatedAt !== null && (Number.isNaN(updatedAt) || updatedAt > Date.now() + 60_000)) {
      error(["whatsAppMarketingConsent", "updatedAt"], "INVALID", "Updated at must be a date in the past");
    }
    if (userErrors.length > 0) return { customerWhatsAppMarketingConsentUpdate: { customerPhoneNumber: null, userErrors } };
    customer!.whatsApp = {
      state: String(consent.state),
      optInLevel: consent.optInLevel === undefined ? customer!.whatsApp.optInLevel : consent.optInLevel,
      updatedAt: new Date(updatedAt ?? Date.now()).toISOString(),
      collectedFrom: "OTHER",
    };
    return { customerWhatsAppMarketingConsentUpdate: { customerPhoneNumber: phoneNode(customer!), userErrors: [] } };
  }

  /** GraphQL coerces variables against the input type before resolving: an unknown or missing key fails the whole request. */
  function inputShapeError(input: Record<string, unknown> | undefined): string | null {
    if (!input || typeof input !== "object") return "Variable $input of type CustomerWhatsAppMarketingConsentUpdateInput! was provided invalid value";
    const allowed: Record<string, string[]> = {
      "": ["customerId", "whatsAppMarketingConsent"],
      whatsAppMarketingConsent: ["state", "optInLevel", "updatedAt", "sourceLocationId"],
    };
    for (const key of Object.keys(input))
      if (!allowed[""].includes(key))
        return `Variable $input of type CustomerWhatsAppMarketingConsentUpdateInput! was provided invalid value for ${key} (Field is not defined on CustomerWhatsAppMarketingConsentUpdateInput)`;
    for (const key of ["customerId", "whatsAppMarketingConsent"])
      if (!(key in input))
        return `Variable $input of type CustomerWhatsAppMarketingConsentUpdateInput! was provided invalid value for ${key} (Expected value to not be null)`;
    const consent = input.whatsAppMarketingConsent as Record<string, unknown>;
    for (const key of Object.keys(consent ?? {}))
      if (!allowed.whatsAppMarketingConsent.includes(key))
        return `Variable $input of type CustomerWhatsAppMarketingConsentUpdateInput! was provided invalid value for whatsAppMarketingConsent.${key} (Field is not defined on CustomerMarketingConsentInput)`;
    if (!("state" in (consent ?? {})))
      return "Variable $input of type CustomerWhatsAppMarketingConsentUpdateInput! was provided invalid value for whatsAppMarketingConsent.state (Expected value to not be null)";
    return null;
  }

  const accessDenied = (operation: string, scope: string) =>
    json({
      errors: [
        {
          message: `Access denied for ${operation} field. Required access: \`${scope}\` access scope.`,
          locations: [{ line: 1, column: 1 }],
          extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
          path: [operation],
        },
      ],
      data: { [operation]: null },
    });

  function store(discount: Omit<StoredDiscount, "id">): StoredDiscount {
    const stored = { ...discount, id: `gid://shopify/DiscountCodeNode/${nextId++}` };
    discounts.set(stored.code.toLowerCase(), stored);
    return stored;
  }

  function create(input: DiscountInput | undefined) {
    const userErrors: { field: string[]; code: string; message: string; extraInfo: null }[] = [];
    const error = (field: string[], code: string, message: string) =>
      userErrors.push({ field: ["basicCodeDiscount", ...field], code, message, extraInfo: null });
    const code = (input?.code ?? "").trim();
    if (!code) error(["code"], "BLANK", "Code can't be blank");
    else if (code.length > 255) error(["code"], "TOO_LONG", "Code is too long (maximum is 255 characters)");
    else if (discounts.has(code.toLowerCase())) error(["code"], "TAKEN", "Code must be unique. Please try a different code.");
    if (!(input?.title ?? "").trim()) error(["title"], "BLANK", "Title can't be blank");
    const value = input?.customerGets?.value ?? {};
    if ("percentage" in value && !(Number(value.percentage) > 0 && Number(value.percentage) <= 1)) {
      error(["customerGets", "value", "percentage"], "VALUE_OUTSIDE_RANGE", "Value must be between 0.0 and 1.0");
    }
    if ("discountAmount" in value && !(Number(value.discountAmount?.amount) > 0))
      error(["customerGets", "value", "discountAmount", "amount"], "GREATER_THAN", "Value must be greater than 0");
    if (!("percentage" in value) && !("discountAmount" in value)) error(["customerGets", "value"], "BLANK", "Value can't be blank");
    if (input?.endsAt && input?.startsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt))
      error(["endsAt"], "INVALID", "Ends at needs to be after starts_at");
    if (typeof input?.usageLimit === "number" && !(input.usageLimit >= 1)) error(["usageLimit"], "GREATER_THAN", "Usage limit must be greater than 0");
    if (userErrors.length > 0) return { discountCodeBasicCreate: { codeDiscountNode: null, userErrors } };
    const stored = store({
      title: input!.title!,
      code,
      status: Date.parse(input!.startsAt ?? new Date().toISOString()) > Date.now() ? "SCHEDULED" : "ACTIVE",
      startsAt: input!.startsAt ?? new Date().toISOString(),
      endsAt: input!.endsAt ?? null,
      value: value.percentage !== undefined ? { percentage: value.percentage } : { amount: Number(value.discountAmount?.amount).toFixed(2) },
      usageLimit: input!.usageLimit ?? null,
      appliesOncePerCustomer: Boolean(input!.appliesOncePerCustomer),
      minimumSubtotal: input!.minimumRequirement?.subtotal?.greaterThanOrEqualToSubtotal ?? null,
      combinesWith: input!.combinesWith ?? {},
    });
    return { discountCodeBasicCreate: { codeDiscountNode: nodeOf(stored), userErrors: [] } };
  }

  function deactivate(id: string | undefined) {
    const stored = [...discounts.values()].find((d) => d.id === id);
    if (!stored)
      return {
        discountCodeDeactivate: {
          codeDiscountNode: null,
          userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist", extraInfo: null }],
        },
      };
    if (stored.status !== "EXPIRED") {
      stored.status = "EXPIRED";
      stored.endsAt = new Date().toISOString();
    }
    return { discountCodeDeactivate: { codeDiscountNode: nodeOf(stored), userErrors: [] } };
  }

  function answer(request: AdminRequest): AdminAnswer | typeof DROPPED {
    const body = JSON.parse(request.body) as { query: string; variables?: AdminVariables };
    const headers = request.headers;
    const call: AdminCall = {
      operation: operationOf(body.query),
      variables: body.variables ?? {},
      token: headers["X-Shopify-Access-Token"] ?? headers["x-shopify-access-token"],
      answered: "",
    };
    calls.push(call);
    const answer = (what: string, reply: AdminAnswer) => {
      call.answered = what;
      return reply;
    };

    if (call.token !== options.accessToken) {
      return answer("401", json({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401));
    }
    const fault = faults.shift();
    if (fault?.kind === "connection_refused") {
      call.answered = "connection refused";
      return DROPPED;
    }
    if (fault?.kind === "throttled") {
      const { requestedQueryCost = 10, currentlyAvailable = 4, restoreRate = 100 } = fault;
      return answer(
        "throttled",
        json({
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
          extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate } } },
        }),
      );
    }
    if (fault?.kind === "rate_limited") {
      return answer(
        "429",
        json({ errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, 429, {
          "retry-after": String(fault.retryAfterSeconds),
        }),
      );
    }
    if (fault?.kind === "server_error") return answer(String(fault.status ?? 502), json({ errors: "Internal error" }, fault.status ?? 502));

    let data: Record<string, unknown>;
    if (fault?.kind === "user_errors") {
      data =
        call.operation === "flowTriggerReceive"
          ? { flowTriggerReceive: { userErrors: fault.userErrors.map(({ field, message }) => ({ field, message })) } }
          : { [call.operation]: { codeDiscountNode: null, userErrors: fault.userErrors.map((e) => ({ ...e, extraInfo: null })) } };
    } else if (call.operation === "flowTriggerReceive") {
      data = receiveFlowTrigger(call.variables.handle, call.variables.payload);
    } else if (call.operation === "customerWhatsAppMarketingConsentUpdate") {
      const shapeError = inputShapeError(call.variables.input);
      if (shapeError) return answer("invalid variables", json({ errors: [{ message: shapeError, extensions: { code: "INVALID_VARIABLE" } }] }));
      if (!scopes.has("write_customers")) return answer("access denied", accessDenied(call.operation, "write_customers"));
      data = updateWhatsAppConsent(call.variables.input);
    } else if (call.operation === "customer") {
      if (!scopes.has("read_customers") && !scopes.has("write_customers")) return answer("access denied", accessDenied(call.operation, "read_customers"));
      const customer = customers.get(String(call.variables.id ?? ""));
      data = { customer: customer ? { id: customer.id, defaultPhoneNumber: customer.phone ? phoneNode(customer) : null } : null };
    } else if (call.operation === "discountCodeBasicCreate" || call.operation === "discountCodeDeactivate") {
      if (!scopes.has("write_discounts")) {
        return answer(
          "access denied",
          json({
            errors: [
              {
                message: `Access denied for ${call.operation} field. Required access: \`write_discounts\` access scope.`,
                locations: [{ line: 1, column: 1 }],
                extensions: {
                  code: "ACCESS_DENIED",
                  documentation: "https://shopify.dev/api/usage/access-scopes",
                  requiredAccess: "`write_discounts` access scope.",
                },
                path: [call.operation],
              },
            ],
            data: { [call.operation]: null },
          }),
        );
      }
      data = call.operation === "discountCodeBasicCreate" ? create(call.variables.basicCodeDiscount) : deactivate(call.variables.id);
    } else if (call.operation === "codeDiscountNodeByCode") {
      const stored = discounts.get((call.variables.code ?? "").toLowerCase());
      data = { codeDiscountNodeByCode: stored ? nodeOf(stored) : null };
    } else {
      return answer(
        "unknown operation",
        json({ errors: [{ message: "Field 'unknown' doesn't exist on type 'QueryRoot'", extensions: { code: "undefinedField" } }] }),
      );
    }
    if (fault?.kind === "response_lost") {
      call.answered = "response lost";
      return DROPPED;
    }
    return answer("ok", json({ data, extensions: costOf(10) }));
  }

  return {
    shop,
    calls,
    discounts,
    flowTriggers,
    customers,
    addCustomer: ({ id, phone, whatsAppState = "NOT_SUBSCRIBED", updatedAt }) => {
      const stored: StoredCustomer = {
        id: customerGid(id),
        phone,
        whatsApp: {
          state: whatsAppState,
          optInLevel: null,
          updatedAt: updatedAt ?? null,
          collectedFrom: whatsAppState === "NOT_SUBSCRIBED" ? null : "SHOPIFY",
        },
      };
      customers.set(stored.id, stored);
      return stored;
    },
    fail: (...more) => faults.push(...more),
    addDiscount: (discount) =>
      store({
        status: "ACTIVE",
        startsAt: new Date().toISOString(),
        endsAt: null,
        value: { percentage: 0.1 },
        usageLimit: null,
        appliesOncePerCustomer: false,
        minimumSubtotal: null,
        combinesWith: {},
        ...discount,
      }),
    answer,
  };
}
