import type { Shop } from "@prisma/client";
import { z } from "zod";
import { notFound, parseOrThrow } from "../../admin/context.server";
import { answerAppError } from "../../admin/known-errors.server";
import { addDays, dayKey, isDay, parseLocalDateTime, startOfDay, usableTimeZone } from "../../metrics/date-range";
import { listEndpoints } from "../../endpoints/endpoint.server";
import { deliveryFiltersSchema, listDeliveries, resendDelivery, resendFailedSince, ResendError } from "../../delivery/delivery-log.server";
import type { ResendAnswer } from "./resend-answer";

const day = z.string().refine(isDay, "must be a date as YYYY-MM-DD").optional();
const dateFilters = z.object({ from: day, to: day });

/** One page of the log under the filters in the address; an endpoint of another shop is not found. */
export async function deliveryLog(shop: Shop, params: Record<string, string>) {
  const timeZone = usableTimeZone(shop.timezone);
  const filters = parseOrThrow(deliveryFiltersSchema, params);
  const dates = parseOrThrow(dateFilters, params);
  const endpoints = await listEndpoints(shop.id);
  if (filters.endpointId && !endpoints.some((endpoint) => endpoint.id === filters.endpointId)) throw notFound("endpoint");
  const { page, ...where } = filters;
  const list = await listDeliveries(
    shop.id,
    {
      ...where,
      from: dates.from ? startOfDay(dates.from, timeZone) : undefined,
      to: dates.to ? startOfDay(addDays(dates.to, 1), timeZone) : undefined,
    },
    page,
  );
  return {
    timeZone,
    filters: {
      endpointId: filters.endpointId ?? "",
      topic: filters.topic ?? "",
      status: filters.status ?? "",
      from: dates.from ?? "",
      to: dates.to ?? "",
      page,
    },
    endpoints: endpoints.map(({ id, name, status }) => ({ id, name, status })),
    sinceDefault: `${dayKey(new Date(Date.now() - 24 * 60 * 60_000), timeZone)}T00:00`,
    ...list,
  };
}

export const resendBody = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("resend"), deliveryId: z.string().min(1, "is required") }),
    z.object({ intent: z.literal("resendFailed"), endpointId: z.string().min(1, "is required"), since: z.string({ error: "is required" }) }),
  ],
  { error: "must be resend or resendFailed" },
);

/** Resends one delivery, or every failed one of an endpoint since a local time; a refusal says why. */
export async function resend(shop: Shop, body: z.output<typeof resendBody>): Promise<ResendAnswer> {
  try {
    if (body.intent === "resend") {
      await resendDelivery(shop, body.deliveryId);
      return { ok: true, intent: body.intent, resent: 1, error: null };
    }
    const since = parseLocalDateTime(body.since, usableTimeZone(shop.timezone));
    if (!since) return { ok: false, error: "since must be a date and time such as 2026-03-01T09:00", intent: body.intent, resent: 0 };
    const { resent } = await resendFailedSince(shop, body.endpointId, since);
    return { ok: true, intent: body.intent, resent, error: null };
  } catch (error) {
    if (error instanceof ResendError) return { ok: false, error: error.message, intent: body.intent, resent: 0, kind: error.kind };
    throw answerAppError(error);
  }
}
