import prisma from "../db.server";
import type { CartPayload } from "../events/payload/cart-payload";
import type { AttemptResult } from "../delivery/send.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { unauthenticated } from "../shopify.server";
import { endpointOutcome, FLOW_DESTINATION_URL, FLOW_TRIGGERS, flowTriggerPayload, isFlowTopic } from "./flow-triggers";

// One attempt of a Flow delivery: flowTriggerReceive(handle, payload) of the
// GraphQL Admin API (the same arguments and userErrors in its reference for
// 2025-01 to 2026-04 and unstable; the app calls 2026-10) with the shop's
// offline session. Resolves with an AttemptResult like an HTTP
// attempt, so the worker retries, records and shows it the same way:
// throttling becomes a 429 with the wait the cost bucket needs.

const FLOW_TRIGGER_RECEIVE = `mutation CartRelayFlowTrigger($handle: String!, $payload: JSON!) { flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } } }`;

export interface FlowAttempt {
  shopDomain: string;
  topic: string;
  eventId: string;
  request: { body: string };
}

export interface FlowSendOptions {
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
}

const appGraphql = async (shopDomain: string): Promise<AdminGraphql> => (await unauthenticated.admin(shopDomain)).admin.graphql;

type Outcome = Pick<AttemptResult, "ok" | "statusCode" | "errorKind" | "errorMessage" | "responseExcerpt" | "retryAfterMs">;

interface GraphqlError {
  message?: string;
  extensions?: { code?: string };
}
interface Cost {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

const failure = (fields: Partial<Outcome>): Outcome => ({
  ok: false,
  statusCode: null,
  errorKind: "http",
  errorMessage: null,
  responseExcerpt: null,
  retryAfterMs: null,
  ...fields,
});

function fromErrors(errors: GraphqlError[], cost: Cost | undefined, excerpt: string | null): Outcome {
  const message = errors.map((error) => error.message ?? "GraphQL error").join("; ");
  if (errors.some((error) => error.extensions?.code === "THROTTLED")) {
    // The bucket refills at restoreRate points a second: wait until this request's cost fits.
    const rate = cost?.throttleStatus?.restoreRate;
    const missing = (cost?.requestedQueryCost ?? 0) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
    const retryAfterMs = rate && rate > 0 ? Math.max(1000, Math.ceil((Math.max(missing, 1) / rate) * 1000)) : null;
    return failure({ statusCode: 429, errorMessage: `Shopify throttled flowTriggerReceive: ${message}`, responseExcerpt: excerpt, retryAfterMs });
  }
  return failure({ errorMessage: `Admin API errors: ${message}`, responseExcerpt: excerpt });
}

type FlowResponse = {
  data?: { flowTriggerReceive?: { userErrors?: { field?: string[]; message: string }[] } };
  errors?: unknown;
  extensions?: { cost?: Cost };
};

async function fromResponse(response: Response): Promise<Outcome> {
  const text = await response.text().catch(() => "");
  const excerpt = text.slice(0, 4096) || null;
  let json: FlowResponse | null;
  try {
    json = text ? (JSON.parse(text) as FlowResponse) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const seconds = Number(response.headers.get("retry-after"));
    return failure({
      statusCode: response.status,
      errorMessage: `Shopify answered HTTP ${response.status}${typeof json?.errors === "string" ? `: ${json.errors}` : ""}`,
      responseExcerpt: excerpt,
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null,
    });
  }
  if (Array.isArray(json?.errors) && json.errors.length > 0) return fromErrors(json.errors as GraphqlError[], json.extensions?.cost, excerpt);
  const result = json?.data?.flowTriggerReceive;
  if (!result) return failure({ errorMessage: "Admin API answered without flowTriggerReceive", responseExcerpt: excerpt });
  const userErrors = result.userErrors ?? [];
  if (userErrors.length > 0) {
    const message = userErrors.map((error) => `${error.field?.length ? `${error.field.join(".")}: ` : ""}${error.message}`).join("; ");
    return failure({ errorMessage: `Flow refused the trigger: ${message}`, responseExcerpt: excerpt });
  }
  return { ok: true, statusCode: 200, errorKind: null, errorMessage: null, responseExcerpt: excerpt, retryAfterMs: null };
}

/** What shopify-app-remix's client throws (its error classes are not exported), told apart by shape. */
async function fromThrown(error: unknown): Promise<Outcome> {
  if (error instanceof Response) return fromResponse(error);
  const shaped = error as {
    message?: string;
    body?: { errors?: { graphQLErrors?: GraphqlError[] }; extensions?: { cost?: Cost } };
    response?: { code?: number; retryAfter?: number };
  };
  const graphQLErrors = shaped?.body?.errors?.graphQLErrors;
  if (Array.isArray(graphQLErrors) && graphQLErrors.length > 0) return fromErrors(graphQLErrors, shaped.body?.extensions?.cost, null);
  const status = shaped?.response?.code;
  if (typeof status === "number") {
    const retryAfter = shaped.response?.retryAfter;
    return failure({ statusCode: status, errorMessage: `Shopify answered HTTP ${status}`, retryAfterMs: retryAfter ? Math.ceil(retryAfter * 1000) : null });
  }
  return failure({ errorKind: "network", errorMessage: `could not reach Shopify: ${error instanceof Error ? error.message : String(error)}` });
}

/** The statuses of the same event's deliveries to the shop's BSP endpoints. */
async function bspStatuses(eventId: string): Promise<string[]> {
  const rows = await prisma.delivery.findMany({ where: { eventId, endpoint: { url: { not: FLOW_DESTINATION_URL } } }, select: { status: true } });
  return rows.map((row) => row.status);
}

/** The Shopify customer of the event's checkout, when a webhook or an order named one. */
async function customerOf(eventId: string): Promise<string | null> {
  const event = await prisma.event.findUnique({ where: { id: eventId }, select: { checkout: { select: { customerId: true } } } });
  return event?.checkout?.customerId ?? null;
}

/** Sends one Flow attempt; never throws. */
export async function sendFlowTrigger(item: FlowAttempt, { graphqlFor = appGraphql }: FlowSendOptions = {}): Promise<AttemptResult> {
  const started = performance.now();
  const done = (outcome: Outcome): AttemptResult => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
  if (!isFlowTopic(item.topic)) {
    return done(failure({ errorMessage: `Shopify Flow receives ${Object.keys(FLOW_TRIGGERS).join(" and ")} only, not ${item.topic}` }));
  }
  const trigger = FLOW_TRIGGERS[item.topic];
  try {
    const payload = flowTriggerPayload(
      item.topic,
      JSON.parse(item.request.body) as CartPayload,
      endpointOutcome(await bspStatuses(item.eventId)),
      await customerOf(item.eventId),
    );
    const graphql = await graphqlFor(item.shopDomain);
    return done(await fromResponse(await graphql(FLOW_TRIGGER_RECEIVE, { variables: { handle: trigger.handle, payload } })));
  } catch (error) {
    return done(await fromThrown(error));
  }
}
