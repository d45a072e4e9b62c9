import type { Shop } from "@prisma/client";
import { z } from "zod";
import { endpointFormValues } from "../../admin/endpoint-form";
import { endpointFormOptions, endpointSummary, parseEndpointForm } from "../../admin/endpoint-form.server";
import { answerAppError } from "../../admin/known-errors.server";
import { maskFreeText } from "../../admin/mask";
import { listDeliveries, shopDelivery } from "../../delivery/delivery-log.server";
import { checkReceiver } from "../../delivery/receiver-check.server";
import { sendTestDelivery } from "../../delivery/send-test.server";
import { rotateEndpointSecret, setEndpointStatus, shopEndpoint, updateEndpoint } from "../../endpoints/endpoint.server";
import { usableTimeZone } from "../../metrics/date-range";

export async function endpointOr404(shop: Shop, id: string | undefined) {
  try {
    return await shopEndpoint(shop.id, id ?? "");
  } catch (error) {
    throw answerAppError(error);
  }
}

type ShopEndpoint = Awaited<ReturnType<typeof shopEndpoint>>;

/** The endpoint, its form and its last six deliveries. */
export async function endpointPage(shop: Shop, endpoint: ShopEndpoint) {
  const timeZone = usableTimeZone(shop.timezone);
  const { deliveries } = await listDeliveries(shop.id, { endpointId: endpoint.id }, 1, 6);
  return {
    timeZone,
    endpoint: {
      ...endpointSummary(endpoint),
      failingSince: endpoint.failingSince,
      createdAt: endpoint.createdAt,
      previousSecretExpiresAt: endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date() ? endpoint.previousSecretExpiresAt : null,
    },
    values: endpointFormValues(endpoint, timeZone),
    options: endpointFormOptions(),
    recent: deliveries,
  };
}

export const endpointIntent = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("update"), values: z.unknown() }),
    z.object({ intent: z.literal("rotate") }),
    z.object({ intent: z.literal("pause") }),
    z.object({ intent: z.literal("resume") }),
    z.object({ intent: z.literal("delete") }),
    z.object({ intent: z.literal("test") }),
    z.object({ intent: z.literal("check") }),
  ],
  { error: "must be one of update, rotate, pause, resume, delete, test, check" },
);

type EndpointIntent = Exclude<z.output<typeof endpointIntent>, { intent: "delete" }>;

/** What the page is answered, with its HTTP status and headers. */
interface Answered<T> {
  answer: T;
  status: number;
  headers?: Record<string, string>;
}

const answered = <T>(answer: T, status = 200, headers?: Record<string, string>): Answered<T> => ({ answer, status, headers });

/** "Send test" and "Check receiver" over the shop's budget (a thrown 429) answer the page, which says why beside the button. */
const isBudgetRefusal = (error: unknown): error is Response => error instanceof Response && error.status === 429;

async function refusal(intent: "test" | "check", error: Response) {
  const { error: refused } = (await error.json()) as { error: string };
  return answered({ intent, ok: false as const, refused }, 429, { "retry-after": error.headers.get("retry-after") ?? "5" });
}

/** Runs an admin-triggered send; a spent budget is answered as a refusal instead. */
async function withinBudget<T>(intent: "test" | "check", send: () => Promise<T>): Promise<{ sent: T } | { refused: Awaited<ReturnType<typeof refusal>> }> {
  try {
    return { sent: await send() };
  } catch (error) {
    if (isBudgetRefusal(error)) return { refused: await refusal(intent, error) };
    throw error;
  }
}

async function sendTest(shop: Shop, endpointId: string) {
  const attempt = await withinBudget("test", () => sendTestDelivery(shop, endpointId));
  if ("refused" in attempt) return attempt.refused;
  const { deliveryId, result } = attempt.sent;
  const delivery = await shopDelivery(shop.id, deliveryId);
  return answered({
    intent: "test" as const,
    ok: true as const,
    test: {
      deliveryId,
      status: delivery.status,
      nextAttemptAt: delivery.nextAttemptAt,
      delivered: result?.ok ?? false,
      statusCode: result?.statusCode ?? null,
      durationMs: result?.durationMs ?? null,
      errorKind: result?.errorKind ?? null,
      errorMessage: result?.errorMessage ?? null,
      responseStart: result?.responseExcerpt ? maskFreeText(result.responseExcerpt.slice(0, 300)) : null,
    },
  });
}

async function checkTheReceiver(shop: Shop, endpointId: string) {
  const attempt = await withinBudget("check", () => checkReceiver(shop, endpointId));
  if ("refused" in attempt) return attempt.refused;
  const check = attempt.sent;
  return answered({
    intent: "check" as const,
    ok: true as const,
    check: { ...check, steps: check.steps.map((step) => ({ ...step, responseStart: step.responseStart && maskFreeText(step.responseStart) })) },
  });
}

/** Every intent of the page but delete (which leaves it). */
export async function runEndpointIntent(shop: Shop, endpointId: string, body: EndpointIntent) {
  switch (body.intent) {
    case "update": {
      const parsed = parseEndpointForm(body.values);
      if (!parsed.ok) return answered({ intent: body.intent, ok: false as const, errors: parsed.errors }, 400);
      await updateEndpoint(shop.id, endpointId, parsed.input);
      return answered({ intent: body.intent, ok: true as const, errors: {} });
    }
    case "rotate": {
      const { secret } = await rotateEndpointSecret(shop.id, endpointId);
      return answered({ intent: body.intent, ok: true as const, secret });
    }
    case "pause":
    case "resume": {
      const updated = await setEndpointStatus(shop, endpointId, body.intent === "pause" ? "paused" : "active");
      return answered({ intent: body.intent, ok: true as const, status: updated.status });
    }
    case "test":
      return sendTest(shop, endpointId);
    case "check":
      return checkTheReceiver(shop, endpointId);
  }
}
